import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { closeOf, rawSocket } from '../raw-socket.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

const presenceTtlSeconds = 2;

type Frame = Record<string, unknown>;
const about = (replies: Frame[], room: string) => replies.filter((r) => r.room === room);
const kinds = (frames: Frame[]) => frames.map((f) => (f.type === 'event' ? (f.event as Frame).type : f.type));

/** The gateway's live hub sizes, from its Prometheus /metrics. */
async function liveGauge(platform: Platform, name: string): Promise<number> {
  const text = await (
    await fetch(`http://127.0.0.1:${platform.gateways[0]!.process.opsPort}/metrics`)
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`gateway_live_${name}{`));
  if (!line) throw new Error(`no gateway_live_${name} in /metrics`);
  return Number(line.split(' ').at(-1));
}

describe('live socket privacy: nothing of a room before membership is confirmed, nothing after it ends', function () {
  this.timeout(120_000);
  let platform: Platform;
  let ann: MetaChat;
  let bob: MetaChat;
  let eve: MetaChat;
  let annId: string;
  let bobId: string;
  let secret: string;
  const sockets: WebSocket[] = [];
  const raw = async (who: MetaChat, token = who.tokens!.accessToken) => {
    const socket = await rawSocket(platform.gateways[0]!.url, token);
    sockets.push(socket.ws);
    return socket;
  };
  const closeAll = async () => {
    const closed = sockets.splice(0).map((ws) => {
      if (ws.readyState === ws.CLOSED) return undefined;
      const end = closeOf(ws);
      ws.close();
      return end;
    });
    await Promise.all(closed);
  };
  const subscribe = (ws: WebSocket, rooms: { room: string; after: number }[]) =>
    ws.send(JSON.stringify({ type: 'subscribe', rooms }));

  before(async () => {
    platform = await startTestPlatform('live_privacy', {
      env: { PRESENCE_TTL_SECONDS: String(presenceTtlSeconds) },
    });
    const client = () => new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    [ann, bob, eve] = [client(), client(), client()];
    annId = (await ann.register('live-ann@example.com', 'Ann', 'ann-password')).id;
    bobId = (await bob.register('live-bob@example.com', 'Bob', 'bob-password')).id;
    await eve.register('live-eve@example.com', 'Eve', 'eve-password');
    secret = (await ann.createRoom('Secret', { members: [bobId], visibility: 'private' })).id;
    await bob.acceptInvitation(secret);
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await platform?.stop();
  });

  it('gives a non-member nothing of a private room, even with the membership checks queued behind thousands of random rooms', async () => {
    const [bobLive, annLive] = await Promise.all([raw(bob), raw(ann)]);
    for (const live of [bobLive, annLive]) subscribe(live.ws, [{ room: secret, after: 0 }]);
    await eventually('Ann and Bob subscribed', async () =>
      [bobLive, annLive].every((l) => kinds(about(l.replies, secret)).includes('caught-up')),
    );
    const level = about(bobLive.replies, secret).find((r) => r.type === 'caught-up')!.seq as number;
    // Eve fills the gateway's queue of chat reads with 2,000 random rooms, then asks for the private one.
    const decoys = await Promise.all(Array.from({ length: 4 }, () => raw(eve)));
    for (const { ws } of decoys) {
      const rooms = Array.from({ length: 500 }, () => ({
        room: `r_${randomBytes(12).toString('base64url')}`,
        after: 0,
      }));
      subscribe(ws, rooms);
    }
    const { ws, replies } = await raw(eve);
    subscribe(ws, [{ room: secret, after: level }]); // level with the room: the next message is hers at once
    ws.send(JSON.stringify({ type: 'ping' }));
    await eventually('the subscribe handled', async () => replies.some((r) => r.type === 'pong'));
    // While her subscription waits: a message, typing, a read receipt and presence in the room.
    const { seq } = await ann.send(secret, 'for members only');
    annLive.ws.send(JSON.stringify({ type: 'typing', room: secret }));
    await bob.markRead(secret, seq);
    await eventually('Bob to see it all', async () => {
      const seen = kinds(about(bobLive.replies, secret));
      return seen.includes('MessageSent') && seen.includes('typing') && seen.includes('receipt');
    });
    await eventually("Eve's refusal", async () => about(replies, secret).length > 0, 60_000);
    // The refusal is all she gets: no "subscribed", no event, typing or receipt, no presence of its members.
    expect(about(replies, secret)).to.deep.equal([
      {
        type: 'error',
        error: 'forbidden',
        message: 'only members can subscribe to this room',
        code: 403,
        room: secret,
      },
    ]);
    expect(replies.filter((r) => r.type !== 'error' && r.type !== 'pong')).to.deep.equal([]);
    for (const decoy of decoys) {
      await eventually('every decoy answered', async () => decoy.replies.length >= 500, 60_000);
      expect(decoy.replies.filter((r) => r.error !== 'not_found')).to.deep.equal([]);
    }
  });

  it('answers a subscription to a room of which one is no member, or an `after` beyond its end, with an error only', async () => {
    const { ws, replies } = await raw(bob);
    const { events } = await bob.api<{ events: { seq: number }[] }>('GET', `/rooms/${secret}/events?after=0`);
    const lastSeq = events.at(-1)!.seq;
    const elsewhere = (await ann.createRoom('Not for Bob')).id;
    subscribe(ws, [
      { room: elsewhere, after: 0 },
      { room: secret, after: lastSeq + 1000 },
    ]);
    await eventually('both answers', async () => replies.length >= 2);
    await sleep(300); // a late "subscribed" or "caught-up" would land here
    expect(about(replies, elsewhere)).to.deep.equal([
      {
        type: 'error',
        error: 'forbidden',
        message: 'only members can subscribe to this room',
        code: 403,
        room: elsewhere,
      },
    ]);
    expect(about(replies, secret)).to.have.length(1);
    expect(about(replies, secret)[0]).to.deep.include({
      type: 'error',
      error: 'validation_failed',
      code: 400,
      details: { field: 'after', lastSeq },
    });
    // Level with the room is fine, and live from there.
    subscribe(ws, [{ room: secret, after: lastSeq }]);
    await eventually('caught up', async () => kinds(about(replies, secret)).includes('caught-up'));
    await ann.send(secret, 'live for Bob');
    await eventually('the message', async () => kinds(about(replies, secret)).includes('MessageSent'));
    const answers = about(replies, secret).filter((r) => r.type !== 'typing'); // Ann's typing may still end
    expect(kinds(answers)).to.deep.equal(['error', 'subscribed', 'caught-up', 'MessageSent']);
  });

  it('keeps delivering to a member who resumes from before their own leave and rejoin', async () => {
    const open = (await ann.createRoom('Open', { visibility: 'public' })).id;
    await bob.api('POST', `/rooms/${open}/join`);
    await ann.send(open, 'before Bob left');
    await bob.api('POST', `/rooms/${open}/leave`);
    await bob.api('POST', `/rooms/${open}/join`);
    const { ws, replies } = await raw(bob);
    subscribe(ws, [{ room: open, after: 0 }]); // replays Bob's MemberLeft
    await eventually('caught up', async () => kinds(about(replies, open)).includes('caught-up'));
    await ann.send(open, 'after Bob came back');
    await eventually('the new message', async () =>
      about(replies, open).some((r) => (r.event as Frame | undefined)?.text === 'after Bob came back'),
    );
    expect(kinds(about(replies, open))).to.not.include('unsubscribed');
    expect(kinds(about(replies, open))).to.include.members(['MemberLeft', 'MessageSent']);
  });

  it("drops a member from the room's fan-out when they leave or are removed", async () => {
    const room = (await ann.createRoom('Shrinking', { members: [bobId] })).id;
    await bob.acceptInvitation(room);
    const bobLive = await raw(bob);
    const annLive = await raw(ann);
    for (const live of [bobLive, annLive]) subscribe(live.ws, [{ room, after: 0 }]);
    await eventually('both subscribed', async () =>
      [bobLive, annLive].every((l) => kinds(about(l.replies, room)).includes('caught-up')),
    );
    await ann.api('DELETE', `/rooms/${room}/members/${bobId}`);
    await eventually('Bob unsubscribed', async () =>
      kinds(about(bobLive.replies, room)).includes('unsubscribed'),
    );
    const seenByBob = about(bobLive.replies, room).length;
    await ann.send(room, 'after Bob was removed');
    annLive.ws.send(JSON.stringify({ type: 'typing', room }));
    await ann.markRead(room, (await ann.rooms()).rooms.find((r) => r.id === room)!.lastSeq);
    await eventually('Ann to see her message', async () =>
      kinds(about(annLive.replies, room)).includes('MessageSent'),
    );
    await sleep(300); // typing and the receipt travel on their own subjects
    expect(about(bobLive.replies, room)).to.have.length(seenByBob);
    expect(about(bobLive.replies, room).at(-1)).to.deep.equal({
      type: 'unsubscribed',
      room,
      reason: 'no longer a member',
    });
  });

  it('closes a socket with 4401 when its token expires, reading or not', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = jwt.sign({ sub: bobId, jti: `live-short-${exp}`, exp }, platform.jwtSecret, {
      issuer: 'metachat',
      audience: 'metachat-api',
    });
    const { ws, replies } = await raw(bob, token);
    const closed = closeOf(ws);
    subscribe(ws, [{ room: secret, after: 0 }]);
    await eventually('subscribed', async () => kinds(about(replies, secret)).includes('caught-up'));
    expect(await Promise.race([closed, sleep(10_000, 'still open')])).to.deep.equal([4401, 'token_expired']);
  });

  it('keeps a raw client that sends no heartbeats online while its socket is open', async () => {
    await closeAll();
    await eventually(
      'Ann offline to begin with',
      async () => (await bob.presence([annId])).presence[0]?.status === 'offline',
    );
    const { ws } = await raw(ann);
    await eventually(
      'Ann online',
      async () => (await bob.presence([annId])).presence[0]?.status === 'online',
    );
    await sleep(presenceTtlSeconds * 3 * 1000); // three TTLs without a heartbeat
    expect((await bob.presence([annId])).presence[0]).to.include({ user: annId, status: 'online' });
    ws.close();
    await eventually(
      'Ann offline once closed',
      async () => (await bob.presence([annId])).presence[0]?.status === 'offline',
    );
  });

  it('leaves a subscription refused when chat does not answer (503), with nothing of the room delivered', async () => {
    await closeAll();
    await eventually('no rooms left in the fan-out', async () => (await liveGauge(platform, 'rooms')) === 0);
    const { ws, replies } = await raw(bob);
    for (const chat of platform.chat) chat.kill(); // the last test: chat stays down
    subscribe(ws, [{ room: secret, after: 0 }]);
    await eventually('the refusal', async () => about(replies, secret).length > 0, 30_000);
    expect(about(replies, secret)).to.deep.equal([
      { type: 'error', error: 'unavailable', message: 'chat did not answer', code: 503, room: secret },
    ]);
    expect(await liveGauge(platform, 'pending_subscriptions')).to.equal(0);
    expect(await liveGauge(platform, 'rooms')).to.equal(0);
  });
});
