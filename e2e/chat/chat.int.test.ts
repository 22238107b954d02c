import { jetstream } from '@nats-io/jetstream';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { liveSocketUrl, MetaChat, type RoomEvent } from '../../services/sdk/index.js';
import { subjects } from '../../services/actors/topology.js';
import { connectNats } from '../../services/kit/nats-connect.js';
import { closeOf, rawSocket } from '../raw-socket.js';
import { failure } from '../sdk-failure.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

async function take(
  stream: AsyncIterable<RoomEvent>,
  count: number,
  timeoutMs = 20_000,
): Promise<RoomEvent[]> {
  const got: RoomEvent[] = [];
  const timer = setTimeout(() => (stream as { close?: () => void }).close?.(), timeoutMs);
  for await (const event of stream) {
    got.push(event);
    if (got.length === count) break;
  }
  clearTimeout(timer);
  return got;
}

/** A raw HTTP request, for bodies no well-behaved client would send. */
function raw(
  url: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || '{}') as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('chat end to end (identity, chat and two gateways as processes; real NATS, FerretDB, Redis)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let ann: MetaChat;
  let bob: MetaChat;
  let bobOnB: MetaChat;
  let eve: MetaChat;
  let annId: string;
  let bobId: string;
  let room: string;

  before(async () => {
    // As deployed: each service its own NATS user, allowed only its subjects.
    platform = await startTestPlatform('chat', { gateways: 2, natsUsers: true });
    const [a, b] = platform.gateways.map((g) => g.url);
    ann = new MetaChat({ baseUrl: a!, WebSocket: WebSocket as never });
    bob = new MetaChat({ baseUrl: a!, WebSocket: WebSocket as never });
    bobOnB = new MetaChat({ baseUrl: b!, WebSocket: WebSocket as never });
    eve = new MetaChat({ baseUrl: b!, WebSocket: WebSocket as never });
    annId = (await ann.register('ann@example.com', 'Ann', 'ann-password')).id;
    bobId = (await bob.register('bob@example.com', 'Bob', 'bob-password')).id;
    await bobOnB.login('bob@example.com', 'bob-password');
    await eve.register('eve@example.com', 'Eve', 'eve-password');
  });
  after(() => platform?.stop());

  it('lets two users create a room and exchange messages live across gateways', async () => {
    room = (await ann.createRoom('Reading group', { members: [bobId] })).id;
    await bob.acceptInvitation(room);
    const live = bobOnB.events({ [room]: 0 });
    await live.subscribed;
    await ann.send(room, 'hello Bob');
    await bob.send(room, 'hello Ann');
    const events = await take(live, 6);
    live.close();
    expect(events.map((e) => [e.seq, e.event.type])).to.deep.equal([
      [1, 'RoomCreated'],
      [2, 'MemberJoined'],
      [3, 'MemberInvited'],
      [4, 'MemberJoined'],
      [5, 'MessageSent'],
      [6, 'MessageSent'],
    ]);
    expect(events[4]!.event).to.deep.include({ author: annId, text: 'hello Bob' });
    expect((await ann.rooms()).rooms.map((r) => r.id)).to.include(room);
  });

  it('pages history both ways and edits, reacts and deletes', async () => {
    for (let i = 1; i <= 6; i++) await ann.send(room, `page ${i}`); // seq 7..12
    await ann.edit(room, 7, 'page 1 (edited)');
    await bob.react(room, 7, '👍');
    await ann.delete(room, 6); // the owner deletes Bob's message
    const newest = await eventually('the newest page of history', async () => {
      const page = await bob.history(room, { limit: 4 });
      return page.messages[0]?.seq === 12 && page.messages;
    });
    expect(newest.map((m) => m.seq)).to.deep.equal([12, 11, 10, 9]);
    expect((await bob.history(room, { before: 9, limit: 10 })).messages.map((m) => m.seq)).to.deep.equal([
      8, 7, 6, 5,
    ]);
    const forward = await eventually('the deletion and the reaction in history', async () => {
      const page = (await bob.history(room, { after: 5, limit: 2 })).messages;
      return page[0]?.deleted && Object.keys(page[1]?.reactions ?? {}).length && page;
    });
    expect(forward[0]).to.deep.include({ seq: 6, deleted: true, text: '' });
    expect(forward[1]).to.deep.include({ seq: 7, text: 'page 1 (edited)', reactions: { '👍': [bobId] } });
  });

  it('gives a reconnecting client exactly the 200 messages it missed, in order, then live ones', async () => {
    const live = bobOnB.events({ [room]: 0 });
    const before = await take(live, 15); // everything so far: 12 events + edit, reaction, delete
    const last = before.at(-1)!.seq;
    live.close();
    for (let i = 1; i <= 200; i++) await ann.send(room, `while away ${i}`);
    const resumed = bobOnB.events({ [room]: last });
    const missed = await take(resumed, 200);
    expect(missed.map((e) => e.seq)).to.deep.equal(Array.from({ length: 200 }, (_, i) => last + 1 + i));
    expect(missed.map((e) => e.event.text)).to.deep.equal(
      Array.from({ length: 200 }, (_, i) => `while away ${i + 1}`),
    );
    resumed.interrupt(); // a dropped connection: the stream reconnects and resumes by itself
    await ann.send(room, 'after the blip');
    const [next] = await take(resumed, 1);
    resumed.close();
    expect(next).to.deep.include({ seq: last + 201 });
    expect(next!.event.text).to.equal('after the blip');
  });

  it('stores a send retried through another gateway once and answers with the original sequence', async () => {
    const first = await bob.send(room, 'only once', 'bob-retry-1');
    const again = await bobOnB.send(room, 'only once', 'bob-retry-1');
    expect(again).to.deep.equal(first);
    const copies = await eventually('the retried message in history', async () => {
      const page = (await bob.history(room, { after: first.seq - 1, limit: 5 })).messages;
      return page.length > 0 && page;
    });
    expect(copies.filter((m) => m.text === 'only once')).to.have.length(1);
  });

  it('sends over the live socket: answered with the sequence, delivered in order, and the same message as a retry over HTTP', async () => {
    const live = ann.events({ [room]: 0 });
    await live.caughtUp;
    expect(live.open).to.equal(true);
    const before = live.positions[room]!;
    await take(live, before); // the history so far, each sequence once
    const viaSocket = await live.send(room, 'over the socket', 'ann-live-1');
    // MetaChat.send takes the open socket too; a retry of the first over HTTP, on the other gateway, is the same message.
    const viaClient = await ann.send(room, 'also over the socket');
    const annOnB = new MetaChat({ baseUrl: platform.gateways[1]!.url });
    annOnB.tokens = ann.tokens;
    const retried = await annOnB.send(room, 'over the socket', 'ann-live-1');
    expect(viaSocket.seq).to.equal(before + 1);
    expect(viaClient.seq).to.equal(before + 2);
    expect(retried).to.deep.equal(viaSocket);
    const delivered = await take(live, 2);
    live.close();
    expect(delivered.map((e) => [e.seq, e.event.text])).to.deep.equal([
      [before + 1, 'over the socket'],
      [before + 2, 'also over the socket'],
    ]);
    const texts = (await ann.history(room, { after: before, limit: 10 })).messages.map((m) => m.text);
    expect(texts).to.deep.equal(['over the socket', 'also over the socket']);
  });

  it('answers bad sends over the socket with an error naming the client id, keeps the socket, and closes it at logout', async () => {
    const mallory = new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    await mallory.register('mallory@example.com', 'Mallory', 'mallory-password');
    const { ws, replies } = await rawSocket(platform.gateways[0]!.url, mallory.tokens!.accessToken);
    const send = (frame: Record<string, unknown>) => ws.send(JSON.stringify({ type: 'send', ...frame }));
    send({ room, text: 'let me in', clientId: 'm1' });
    send({ room, text: { $gt: '' }, clientId: 'm2' });
    send({ room, text: 'hi', clientId: 'm3', admin: true });
    send({ room, text: 'hi', clientId: 'not an id!' });
    send({ room: 'r_doesNotExist000000000', text: 'hi', clientId: 'm5' });
    send({ room, text: 'hi' });
    await eventually('six answers', async () => replies.length >= 6);
    const byClient = new Map(replies.map((r) => [r.clientId, r]));
    expect(byClient.get('m1')).to.deep.include({ type: 'error', error: 'forbidden', code: 403 });
    expect(byClient.get('m2')).to.deep.include({ type: 'error', code: 400 });
    expect(byClient.get('m3')).to.deep.include({ type: 'error', error: 'validation_failed', code: 400 });
    expect(byClient.get('not an id!')).to.deep.include({ type: 'error', code: 400 });
    expect(byClient.get('m5')).to.deep.include({ type: 'error', code: 404 });
    expect(byClient.get(undefined)).to.deep.include({ type: 'error', error: 'validation_failed' });
    ws.send(JSON.stringify({ type: 'ping' }));
    await eventually('the pong', async () => replies.at(-1)?.type === 'pong');
    // Logging out closes every socket opened with the token, on either gateway (ADR 0008).
    const other = await rawSocket(platform.gateways[1]!.url, mallory.tokens!.accessToken);
    const stream = mallory.events({});
    await eventually('the SDK stream open', async () => stream.open);
    const streamEnd = (async () => {
      for await (const _ of stream); // no rooms: nothing comes but the end
    })().then(
      () => 'ended without an error',
      (err: unknown) => err,
    );
    const closed = [ws, other.ws].map(closeOf);
    await mallory.logout();
    expect(await Promise.all(closed)).to.deep.equal([
      [4401, 'token_revoked'],
      [4401, 'token_revoked'],
    ]);
    // The SDK's stream does not reconnect with a revoked token: its iterator ends with the 401.
    expect(await streamEnd).to.deep.include({ error: 'token_revoked', status: 401 });
    expect(stream.open).to.equal(false);
  });

  it('sends over a socket until its token expires, then closes it (4401 token_expired)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = jwt.sign({ sub: annId, jti: `short-${exp}`, exp }, platform.jwtSecret, {
      issuer: 'metachat',
      audience: 'metachat-api',
    });
    const { ws, replies } = await rawSocket(platform.gateways[1]!.url, token);
    const closed = closeOf(ws);
    ws.send(JSON.stringify({ type: 'send', room, text: 'while valid', clientId: 'valid-1' }));
    await eventually('the first answer', async () => replies.some((r) => r.clientId === 'valid-1'));
    expect(
      replies.find((r) => r.clientId === 'valid-1'),
      JSON.stringify(replies),
    ).to.deep.include({ type: 'sent', room });
    // Nothing is sent or read over it after the expiry: the socket closes, telling the client to sign in again.
    expect(await closed).to.deep.equal([4401, 'token_expired']);
  });

  it('refuses non-members (403) and bad, expired or forged tokens (401)', async () => {
    expect(await failure(eve.history(room))).to.deep.equal({ error: 'forbidden', status: 403 });
    expect(await failure(eve.send(room, 'let me in'))).to.deep.equal({ error: 'forbidden', status: 403 });
    const forged = jwt.sign({ sub: annId, jti: 'x' }, 'not-the-secret-not-the-secret-0000', {
      issuer: 'metachat',
      audience: 'metachat-api',
      expiresIn: 60,
    });
    const expired = jwt.sign(
      { sub: annId, jti: 'y', exp: Math.floor(Date.now() / 1000) - 10 },
      platform.jwtSecret,
      { issuer: 'metachat', audience: 'metachat-api' },
    );
    for (const [token, error] of [
      [forged, 'token_invalid'],
      [expired, 'token_expired'],
      ['garbage-token', 'token_invalid'],
    ] as const) {
      const impostor = new MetaChat({ baseUrl: platform.gateways[0]!.url });
      impostor.tokens = {
        accessToken: token,
        refreshToken: 'x',
        accessTokenExpiresAt: 0,
        refreshTokenExpiresAt: 0,
      };
      expect(await failure(impostor.history(room))).to.deep.equal({ error, status: 401 });
    }
    expect(await failure(new MetaChat({ baseUrl: platform.gateways[0]!.url }).rooms())).to.deep.equal({
      error: 'unauthorized',
      status: 401,
    });
  });

  it('answers bad input with a 4xx in the error format, never a 5xx', async () => {
    const url = `${platform.gateways[0]!.url}/api/v1/rooms/${room}/messages`;
    const auth = { authorization: `Bearer ${ann.tokens!.accessToken}` };
    const cases: [string, Buffer | string, number, string][] = [
      ['malformed JSON', '{"text": ', 400, 'validation_failed'],
      ['wrong type', JSON.stringify({ text: 42 }), 400, 'validation_failed'],
      ['unknown field', JSON.stringify({ text: 'x', admin: true }), 400, 'validation_failed'],
      ['operator injection', JSON.stringify({ text: { $gt: '' } }), 400, 'validation_failed'],
      [
        'injection in clientId',
        JSON.stringify({ text: 'x', clientId: { $ne: null } }),
        400,
        'validation_failed',
      ],
      ['oversized body', JSON.stringify({ text: 'x'.repeat(100_000) }), 413, 'payload_too_large'],
      [
        'invalid UTF-8',
        Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        400,
        'validation_failed',
      ],
      ['a JSON string', '"just a string"', 400, 'validation_failed'],
    ];
    for (const [what, body, status, error] of cases) {
      const res = await raw(url, body, auth);
      expect([what, res.status, res.json.error], what).to.deep.equal([what, status, error]);
      expect(res.json).to.include.keys('error', 'message', 'code');
    }
    const wrongType = await raw(url, JSON.stringify({ text: 'x' }), {
      ...auth,
      'content-type': 'text/plain',
    });
    expect(wrongType.status).to.equal(415);
    expect((await fetch(`${platform.gateways[0]!.url}/api/v1/nowhere`)).status).to.equal(404);
    const badSeq = await fetch(`${platform.gateways[0]!.url}/api/v1/rooms/${room}/messages?before=-1`, {
      headers: auth,
    });
    expect(badSeq.status).to.equal(400);
    // The services survived all of it.
    expect((await ann.send(room, 'still here')).seq).to.be.above(0);
  });

  it('closes a WebSocket that sends a huge frame, answers a garbage frame with an error and keeps the socket', async () => {
    const { ws, replies } = await rawSocket(platform.gateways[1]!.url, bob.tokens!.accessToken);
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'ping' }));
    await eventually('the error and the pong', async () => replies.length >= 2);
    expect(replies.map((r) => r.type)).to.deep.equal(['error', 'pong']);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(200_000));
    expect(await closed).to.equal(1009);

    const refused = new WebSocket(liveSocketUrl(platform.gateways[1]!.url, 'forged'));
    expect(await closeOf(refused)).to.deep.equal([4401, 'token_invalid']);
  });

  it('keeps delivering live after an event on the room stream that is not JSON', async () => {
    // Only the chat service's user may append to a room's events.
    const nc = await connectNats({ servers: platform.natsUrl, ...platform.natsUsers!.chat });
    try {
      const before = await ann.send(room, 'before the garbled event');
      const lives = [bob.events({ [room]: before.seq }), bobOnB.events({ [room]: before.seq })]; // one per gateway
      await Promise.all(lives.map((l) => l.caughtUp));
      await jetstream(nc).publish(subjects.event('room', 'r_garbled'), new TextEncoder().encode('{not json'));
      const { seq } = await ann.send(room, 'after the garbled event');
      for (const live of lives) {
        const [event] = await take(live, 1);
        live.close();
        expect(event).to.deep.include({ room, seq });
      }
    } finally {
      await nc.close();
    }
  });

  it('keeps answering past 1,500 rooms created 8 at a time (large bulk writes once starved the event appends)', async () => {
    const failures: unknown[] = [];
    let made = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let i = 0; i < 190; i++) {
          await eve.createRoom(`many ${worker}-${i}`).then(
            () => made++,
            (err: unknown) => failures.push(err),
          );
        }
      }),
    );
    expect(failures).to.deep.equal([]);
    expect(made).to.equal(1520);
    const last = (await eve.createRoom('one more')).id;
    expect((await eve.send(last, 'still fast')).seq).to.be.above(0);
  });
});
