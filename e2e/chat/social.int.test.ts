import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { MetaChatError } from '../../services/sdk/index.js';
import { MetaChat, type LiveEvents, type LiveSignal } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { rawSocket } from '../raw-socket.js';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { chatSubjects } from '../../services/chat/endpoints.js';
import { PresenceStore } from '../../services/presence/presence-store.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';
import { server } from '../testenv/root-hooks.js';

const presenceTtlSeconds = 2;

/** Every live signal a client receives, to wait on. */
function signalsOf(live: LiveEvents): LiveSignal[] {
  const seen: LiveSignal[] = [];
  live.onSignal((s) => seen.push(s));
  return seen;
}

const statusOf = (signals: LiveSignal[], user: string) =>
  signals
    .flatMap((s) => (s.type === 'presence' ? s.users : []))
    .filter((p) => p.user === user)
    .at(-1)?.status;

describe('presence, typing, read receipts and muting end to end (services as processes)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let ann: MetaChat;
  let bob: MetaChat;
  let annId: string;
  let bobId: string;
  let room: string;
  const opened: LiveEvents[] = [];
  const children: ChildProcess[] = [];

  const client = (gateway = 0) =>
    new MetaChat({ baseUrl: platform.gateways[gateway]!.url, WebSocket: WebSocket as never });
  const live = (who: MetaChat, options: { heartbeatMs?: number } = {}) => {
    const events = who.events({ [room]: 0 }, { heartbeatMs: 500, ...options });
    opened.push(events);
    return events;
  };
  const unread = async (who: MetaChat) =>
    (await who.rooms()).rooms.find((r) => r.id === room) as never as {
      unread: number;
      readSeq: number;
    };

  before(async () => {
    platform = await startTestPlatform('social', {
      gateways: 2,
      env: { PRESENCE_TTL_SECONDS: String(presenceTtlSeconds), TYPING_TTL_SECONDS: '1' },
    });
    [ann, bob] = [client(0), client(1)];
    annId = (await ann.register('social-ann@example.com', 'Ann', 'ann-password')).id;
    bobId = (await bob.register('social-bob@example.com', 'Bob', 'bob-password')).id;
    room = (await ann.createRoom('Social', { members: [bobId] })).id;
    await bob.acceptInvitation(room);
  });
  after(async () => {
    for (const events of opened) events.close();
    for (const child of children) child.kill('SIGKILL');
    await platform?.stop();
  });

  it('pushes presence: online on connect, offline at once on a clean close', async () => {
    const bobLive = live(bob);
    const bobSignals = signalsOf(bobLive);
    await bobLive.subscribed;
    const annLive = live(ann);
    await annLive.subscribed;
    await eventually('Bob to see Ann online', async () => statusOf(bobSignals, annId) === 'online');
    const [annNow] = (await bob.presence([annId])).presence;
    expect(annNow).to.include({ user: annId, status: 'online' });
    expect(annNow!.lastSeen).to.be.greaterThan(Date.now() - 60_000);

    annLive.setState('away');
    await eventually('Bob to see Ann away', async () => statusOf(bobSignals, annId) === 'away');
    annLive.close();
    await eventually('Bob to see Ann offline', async () => statusOf(bobSignals, annId) === 'offline');
    expect((await bob.presence([annId])).presence[0]).to.include({ status: 'offline' });
  });

  it('answers presence only about people who share a room with the caller and did not block them', async () => {
    const [carol, dan, erin] = [client(0), client(1), client(0)];
    const carolId = (await carol.register('social-carol@example.com', 'Carol', 'carol-password')).id;
    const danId = (await dan.register('social-dan@example.com', 'Dan', 'dan-password')).id;
    const erinId = (await erin.register('social-erin@example.com', 'Erin', 'erin-password')).id;
    const circle = (await ann.createRoom('Circle', { visibility: 'public' })).id;
    for (const who of [dan, erin]) await who.api('POST', `/rooms/${circle}/join`);
    const annLive = live(ann);
    try {
      await annLive.subscribed;
      const annTo = async (who: MetaChat) => (await who.presence([annId])).presence[0];
      for (const who of [dan, erin])
        await eventually(
          'a room-mate to see Ann online',
          async () => (await annTo(who))?.status === 'online',
        );

      // A stranger learns nothing, of Ann or of an id nobody has: no status, no last seen.
      expect((await carol.presence([annId, 'u_nobodyAtAll'])).presence).to.deep.equal([
        { user: annId, status: 'unknown' },
        { user: 'u_nobodyAtAll', status: 'unknown' },
      ]);
      // A member removed from the only room they shared, and someone Ann blocked, no longer see her.
      await ann.api('DELETE', `/rooms/${circle}/members/${danId}`);
      await ann.api('PUT', `/me/blocks/${erinId}`);
      for (const who of [dan, erin])
        await eventually('Ann hidden', async () => (await annTo(who))?.status === 'unknown');
      expect(await annTo(dan)).to.deep.equal({ user: annId, status: 'unknown' });
      expect(await annTo(bob)).to.include({ user: annId, status: 'online' });
      expect((await carol.presence([carolId])).presence[0]).to.include({ user: carolId, status: 'offline' });

      const expired = jwt.sign(
        { sub: carolId, jti: 'expired', exp: Math.floor(Date.now() / 1000) - 10 },
        platform.jwtSecret,
        { issuer: 'metachat', audience: 'metachat-api' },
      );
      const res = await fetch(`${platform.gateways[0]!.url}/api/v1/presence?users=${annId}`, {
        headers: { authorization: `Bearer ${expired}` },
      });
      expect(res.status).to.equal(401);
      expect(await res.json()).to.deep.include({ error: 'token_expired' });
    } finally {
      annLive.close(); // the tests after this one need Ann offline
      await ann.api('DELETE', `/me/blocks/${erinId}`);
    }
  });

  it('takes a SIGKILLed client offline', async () => {
    const bobLive = live(bob);
    const bobSignals = signalsOf(bobLive);
    await bobLive.subscribed;
    // A client process killed without a goodbye.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./presence-client.ts', import.meta.url)),
        platform.gateways[0]!.url,
        ann.tokens!.accessToken,
        room,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await eventually('Ann online from her process', async () => statusOf(bobSignals, annId) === 'online');
    child.kill('SIGKILL');
    await eventually(
      'Ann offline after her process died',
      async () => statusOf(bobSignals, annId) === 'offline',
    );
  });

  it('shows typing to the room, which ends by itself and when the message comes', async () => {
    const annLive = live(ann);
    const annSignals = signalsOf(annLive);
    const bobLive = live(bob);
    await Promise.all([annLive.subscribed, bobLive.subscribed]);
    const typing = () => annSignals.filter((s) => s.type === 'typing' && s.user === bobId);
    await eventually('Ann to see Bob typing', async () => {
      bobLive.typing(room); // the server confirms membership with the first history page
      return typing().some((s) => s.type === 'typing' && s.typing);
    });
    await eventually('Bob’s typing to expire', async () =>
      typing().some((s) => s.type === 'typing' && !s.typing),
    );
    const before = typing().length;
    bobLive.typing(room);
    await eventually('Ann to see Bob typing again', async () => typing().length > before);
    await bob.send(room, 'typed it');
    await eventually('the message to end the typing', async () => {
      const last = typing().at(-1);
      return last?.type === 'typing' && !last.typing;
    });
    expect(annSignals.some((s) => s.type === 'typing' && s.user === annId)).to.equal(false);
  });

  it('keeps read watermarks and unread counts right after a burst and after a reconnect', async () => {
    await bob.markRead(room, 1_000_000); // level with the room before the burst
    expect((await unread(bob)).unread).to.equal(0);
    const annLive = live(ann);
    const annSignals = signalsOf(annLive);
    await annLive.subscribed;
    const sent: number[] = [];
    for (let i = 0; i < 30; i++) sent.push((await ann.send(room, `burst ${i}`)).seq);
    const counts = await eventually('Bob to have 30 unread', async () => {
      const mine = await unread(bob);
      return mine.unread === 30 ? mine : undefined;
    });
    expect(counts.readSeq).to.be.below(sent[0]!);
    expect((await unread(ann)).unread, 'writing is reading').to.equal(0);

    const marked = await bob.markRead(room, sent[9]!);
    expect(marked).to.include({ seq: sent[9], unread: 20 });
    await eventually('the receipt pushed to Ann', async () =>
      annSignals.some((s) => s.type === 'receipt' && s.user === bobId && s.seq === sent[9]),
    );
    expect(await bob.markRead(room, sent[3]!), 'a watermark never goes back').to.include({
      seq: sent[9],
      unread: 20,
    });

    // Bob reconnects on a new client: the watermark is stored, not held by his connection.
    const bobAgain = client(1);
    await bobAgain.login('social-bob@example.com', 'bob-password');
    const bobLive = live(bobAgain);
    await bobLive.caughtUp; // the server says when the missed history is delivered
    expect(await unread(bobAgain)).to.include({ readSeq: sent[9], unread: 20 });
    const receipts = await bobAgain.receipts(room);
    expect(receipts.receipts).to.deep.include({ user: bobId, seq: sent[9] });
    expect(receipts.receipts, 'writing is reading').to.deep.include({ user: annId, seq: sent[29] });
    expect(receipts.unread).to.equal(20);
    expect(await bobAgain.unread(room)).to.deep.equal({ readSeq: sent[9], unread: 20 });
    await bobAgain.markRead(room, sent[29]!);
    expect((await unread(bobAgain)).unread).to.equal(0);
    expect((await bobAgain.unread(room)).unread).to.equal(0);
  });

  it('lets an owner mute a member, with the reason in the room’s events', async () => {
    await ann.mute(room, bobId, 0, 'cool down');
    const refused = await bob.send(room, 'can I speak?').then(
      () => undefined,
      (e: unknown) => e as MetaChatError,
    );
    expect(refused).to.deep.include({ error: 'muted', status: 403 });
    const notOwner = await bob.mute(room, annId).catch((e: unknown) => e as MetaChatError);
    expect(notOwner).to.deep.include({ status: 403 });
    await ann.unmute(room, bobId);
    await bob.send(room, 'thank you');
    const { events } = await ann.api<{ events: { type: string; reason?: string; user?: string }[] }>(
      'GET',
      `/rooms/${room}/events?after=0&limit=200`,
    );
    expect(events.find((e) => e.type === 'MemberMuted')).to.include({ user: bobId, reason: 'cool down' });
    expect(events.some((e) => e.type === 'MemberUnmuted')).to.equal(true);
  });

  it('refuses direct messages between users when one blocked the other, and hides a blocked user’s messages', async () => {
    const dm = (await bob.openDirect(annId)).id;
    await bob.send(dm, 'before the block');
    const annLive = live(ann);
    const seen: { seq: number; event: { text?: string; hidden?: string } }[] = [];
    void (async () => {
      for await (const e of annLive) seen.push(e as never);
    })();
    await annLive.subscribed;

    const { blocked } = await ann.api<{ blocked: { user: string }[] }>('PUT', `/me/blocks/${bobId}`);
    expect(blocked.map((b) => b.user)).to.deep.equal([bobId]);
    const refusedSend = await bob.send(dm, 'after the block').catch((e: unknown) => e as MetaChatError);
    expect(refusedSend).to.deep.include({ error: 'blocked', status: 403 });
    const refusedOpen = await bob.openDirect(annId).catch((e: unknown) => e as MetaChatError);
    expect(refusedOpen).to.deep.include({ error: 'blocked', status: 403 });
    const refusedByBlocker = await ann.send(dm, 'and me?').catch((e: unknown) => e as MetaChatError);
    expect(refusedByBlocker).to.deep.include({ error: 'blocked', status: 403 });

    // In a shared group room Bob's words reach Ann without their text, in order, live and in history.
    const { seq } = await bob.send(room, 'you cannot read this');
    const delivered = await eventually('the message live', async () => seen.find((e) => e.seq === seq));
    expect(delivered.event).to.include({ text: '', hidden: 'blocked' });
    const annHistory = await ann.history(room, { after: seq - 1 });
    expect(annHistory.messages[0]).to.include({ seq, text: '' });
    const bobHistory = await bob.history(room, { after: seq - 1 });
    expect(bobHistory.messages[0]).to.include({ seq, text: 'you cannot read this' });
    const found = await ann.api<{ messages: unknown[] }>('GET', '/search?q=cannot+read');
    expect(found.messages).to.deep.equal([]);

    await ann.api('DELETE', `/me/blocks/${bobId}`);
    expect((await bob.send(dm, 'friends again')).seq).to.be.a('number');
    expect((await ann.api<{ blocked: unknown[] }>('GET', '/me/blocks')).blocked).to.deep.equal([]);
    const selfBlock = await ann.api('PUT', `/me/blocks/${annId}`).catch((e: unknown) => e as MetaChatError);
    expect(selfBlock).to.deep.include({ status: 400 });
  });

  it('answers bad social requests with 4xx in the error format', async () => {
    const statusOf = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: unknown) => (e as MetaChatError).status,
      );
    expect(await statusOf(ann.markRead('r_no_such_room', 1))).to.equal(404);
    expect(await statusOf(ann.api('POST', `/rooms/${room}/read`, { seq: -1 }))).to.equal(400);
    expect(await statusOf(ann.api('POST', `/rooms/${room}/read`, { seq: { $gt: 0 } }))).to.equal(400);
    expect(await statusOf(ann.api('GET', '/rooms/r_no_such_room/receipts'))).to.equal(404);
    expect(await statusOf(ann.api('GET', '/presence'))).to.equal(400);
    expect(await statusOf(ann.api('GET', `/presence?users=${'u,'.repeat(101)}`))).to.equal(400);
    expect(await statusOf(ann.api('GET', '/presence?users=a.b'))).to.equal(400);
    expect(await statusOf(ann.mute(room, bobId, 10 ** 9))).to.equal(400);
    expect(await statusOf(ann.api('PUT', `/me/blocks/${'x'.repeat(65)}`))).to.equal(400);
  });

  it('answers malformed live frames with an error and keeps the connection', async () => {
    const { ws, replies: frames } = await rawSocket(platform.gateways[1]!.url, ann.tokens!.accessToken);
    for (const frame of [
      { type: 'heartbeat', state: 'sleeping' },
      { type: 'heartbeat', state: { $gt: '' } },
      { type: 'typing', room: 'r_not_subscribed' },
      { type: 'typing', room: 42 },
    ])
      ws.send(JSON.stringify(frame));
    ws.send(JSON.stringify({ type: 'ping' }));
    await eventually('the answers', async () => frames.some((f) => f.type === 'pong'));
    expect(frames.filter((f) => f.type === 'error' && f.error === 'validation_failed')).to.have.length(4);
    ws.close();
  });

  it('asks chat for the rooms of a mass expiry in a few requests, and still pushes a connect amid it', async () => {
    for (const events of opened.splice(0)) events.close();
    const bobLive = live(bob);
    const bobSignals = signalsOf(bobLive);
    await bobLive.subscribed;
    // Every member-of request the gateways send, seen by a listener outside the queue group.
    const nc = await connect({ servers: platform.natsUrl });
    const users: string[][] = [];
    nc.subscribe(chatSubjects.memberOf, {
      callback: (_, msg) => void users.push(msg.json<{ users: string[] }>().users),
    });
    // 1,200 devices that stop beating at once, as when a gateway with their clients dies.
    const redis = new Redis(server('redis').url);
    const store = new PresenceStore(redis, presenceTtlSeconds * 1000);
    const gone = Array.from({ length: 1200 }, (_, i) => `u_mass${i}`);
    await Promise.all(gone.map((user) => store.beat(user, `${user}-phone`, 'active')));
    await eventually('the expiry to begin', async () => users.length > 0, (presenceTtlSeconds + 10) * 1000);
    const annLive = live(ann); // amid the expiry's pushes
    await eventually('every expired device to be asked about', async () => {
      const asked = new Set(users.flat());
      return gone.every((u) => asked.has(u));
    });
    await eventually('Bob to see Ann online', async () => statusOf(bobSignals, annId) === 'online');
    // Without batching that was 1,200 requests, one per user.
    expect(users.length).to.be.at.most(12);
    expect(users.every((batch) => batch.length <= 500)).to.equal(true);
    annLive.close();
    redis.disconnect();
    await nc.close();
  });

  it('takes the clients of a SIGKILLed gateway offline within the presence TTL', async () => {
    for (const events of opened.splice(0)) events.close();
    await eventually('Ann offline to begin with', async () => {
      const [ann] = (await bob.presence([annId])).presence;
      return ann?.status === 'offline';
    });
    const bobLive = live(bob);
    const bobSignals = signalsOf(bobLive);
    await bobLive.subscribed;
    // A gateway killed with Ann's device on it: nothing says goodbye, her device's heartbeats stop.
    const annLive = live(ann);
    await annLive.subscribed;
    await eventually('Ann online again', async () => statusOf(bobSignals, annId) === 'online');
    platform.gateways[0]!.process.kill();
    await eventually(
      'Ann offline once her device expires',
      async () => statusOf(bobSignals, annId) === 'offline',
      (presenceTtlSeconds + 5) * 1000,
    );
  });
});
