import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { closeOf, rawSocket, tcpSocket } from '../raw-socket.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

const maxSocketsPerUser = 4;
const maxBacklogBytes = 64 * 1024;
const gauges = [
  'sockets',
  'closing',
  'unauthenticated',
  'early_frames',
  'rooms',
  'subscriptions',
  'pending_subscriptions',
  'users_with_sockets',
];

/** The gateway's own metrics (Prometheus text), by name without labels. */
async function metricsOf(platform: Platform): Promise<Record<string, number>> {
  const text = await (
    await fetch(`http://127.0.0.1:${platform.gateways[0]!.process.opsPort}/metrics`)
  ).text();
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match) values[match[1]!] = Number(match[2]);
  }
  return values;
}

/** The live hub's sizes: what a hostile client could make grow. */
async function liveSizes(platform: Platform): Promise<Record<string, number>> {
  const metrics = await metricsOf(platform);
  return Object.fromEntries(gauges.map((g) => [g, metrics[`gateway_live_${g}`] ?? NaN]));
}

/** Every map back to what it was: a closed socket goes once its connection does (a moment after its close frame). */
async function expectIdleAgain(platform: Platform, idle: Record<string, number>): Promise<void> {
  await eventually(
    'every map back to idle',
    async () => JSON.stringify(await liveSizes(platform)) === JSON.stringify(idle),
  ).catch(() => undefined); // the assertion below says what is left
  expect(await liveSizes(platform)).to.deep.equal(idle);
}

const randomRooms = (n: number) =>
  Array.from({ length: n }, () => ({ room: `r_${randomBytes(12).toString('base64url')}`, after: 0 }));

describe('gateway memory under hostile live sockets: every map stays bounded', function () {
  this.timeout(180_000);
  let platform: Platform;
  let ann: MetaChat;
  let bob: MetaChat;
  let room: string;
  let idle: Record<string, number>;
  const heap: number[] = [];

  before(async () => {
    platform = await startTestPlatform('live_limits', {
      env: {
        WS_MAX_SOCKETS_PER_USER: String(maxSocketsPerUser),
        WS_MAX_BACKLOG_BYTES: String(maxBacklogBytes),
      },
    });
    const client = () => new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    [ann, bob] = [client(), client()];
    await ann.register('limits-ann@example.com', 'Ann', 'ann-password');
    const bobId = (await bob.register('limits-bob@example.com', 'Bob', 'bob-password')).id;
    room = (await ann.createRoom('Limits', { members: [bobId] })).id;
    await bob.acceptInvitation(room);
    idle = await liveSizes(platform);
    expect(Object.values(idle).every((v) => v === 0)).to.equal(true, JSON.stringify(idle));
  });
  after(async () => {
    if (heap.length > 0) console.log(`      gateway heap used after each round (MB): ${heap.join(', ')}`);
    await platform?.stop();
  });

  it('forgets random room ids once refused, and refuses more rooms than a socket may hold', async () => {
    for (let round = 0; round < 3; round++) {
      const { ws, replies } = await rawSocket(platform.gateways[0]!.url, bob.tokens!.accessToken);
      ws.send(JSON.stringify({ type: 'subscribe', rooms: randomRooms(600) }));
      await eventually('every room answered', async () => replies.length >= 600, 60_000);
      expect(replies.filter((r) => r.error === 'not_found')).to.have.length(500);
      expect(replies.filter((r) => r.error === 'too_many_rooms')).to.have.length(100);
      expect(replies.filter((r) => r.type !== 'error')).to.deep.equal([]);
      expect(await liveSizes(platform)).to.deep.include({
        sockets: 1,
        rooms: 0,
        subscriptions: 0,
        pending_subscriptions: 0,
      });
      const closed = closeOf(ws);
      ws.close();
      await closed;
      await eventually('the socket gone', async () => (await liveSizes(platform)).sockets === 0);
      heap.push(Math.round(((await metricsOf(platform)).nodejs_heap_size_used_bytes ?? 0) / 2 ** 20));
    }
    expect(await liveSizes(platform)).to.deep.equal(idle);
  });

  it('closes the sockets of one user beyond the limit with 4429', async () => {
    const open = await Promise.all(
      Array.from({ length: maxSocketsPerUser }, () =>
        rawSocket(platform.gateways[0]!.url, bob.tokens!.accessToken),
      ),
    );
    const extra = new WebSocket(
      `${platform.gateways[0]!.url.replace('http', 'ws')}/ws?access_token=${bob.tokens!.accessToken}`,
    );
    expect(await closeOf(extra)).to.deep.equal([4429, 'too_many_connections']);
    expect(await liveSizes(platform)).to.deep.include({ sockets: maxSocketsPerUser, users_with_sockets: 1 });
    // Another user is not held back by Bob's sockets, and a closed one makes room again.
    const annSocket = await rawSocket(platform.gateways[0]!.url, ann.tokens!.accessToken);
    const first = closeOf(open[0]!.ws);
    open[0]!.ws.close();
    await first;
    await eventually(
      'the closed one forgotten',
      async () => (await liveSizes(platform)).sockets === maxSocketsPerUser,
    );
    const again = await rawSocket(platform.gateways[0]!.url, bob.tokens!.accessToken);
    again.ws.send(JSON.stringify({ type: 'ping' }));
    await eventually('its pong', async () => again.replies.some((r) => r.type === 'pong'));
    for (const ws of [...open.slice(1).map((o) => o.ws), again.ws, annSocket.ws]) ws.close();
    await expectIdleAgain(platform, idle);
  });

  it('holds a few frames sent before the token is checked, and closes a socket that sends more (1008)', async () => {
    const polite = await tcpSocket(platform.gateways[0]!.url, bob.tokens!.accessToken, [
      ...Array.from({ length: 10 }, () => JSON.stringify({ type: 'ping' })),
    ]);
    await eventually('ten pongs', async () => polite.replies.filter((r) => r.type === 'pong').length === 10);
    polite.socket.destroy();
    const flood = await tcpSocket(
      platform.gateways[0]!.url,
      bob.tokens!.accessToken,
      Array.from({ length: 1000 }, () => JSON.stringify({ type: 'ping' })),
    );
    expect(await Promise.race([flood.closed, sleep(10_000, 'still open')])).to.deep.equal([
      1008,
      'too_many_frames',
    ]);
    await expectIdleAgain(platform, idle);
  });

  it('closes a socket whose client stops reading once its unsent bytes pass the limit (4408)', async () => {
    const reader = await tcpSocket(platform.gateways[0]!.url, bob.tokens!.accessToken);
    reader.send(JSON.stringify({ type: 'subscribe', rooms: [{ room, after: 0 }] }));
    await eventually('caught up', async () => reader.replies.some((r) => r.type === 'caught-up'));
    reader.socket.pause(); // reads nothing more: the kernel's buffers fill, then the gateway's
    const text = '字'.repeat(4000); // 12 kB a message
    let posted = 0;
    while ((await liveSizes(platform)).closing === 0 && posted < 3000) {
      await Promise.all(Array.from({ length: 20 }, () => ann.send(room, text)));
      posted += 20;
    }
    reader.socket.resume();
    expect(await Promise.race([reader.closed, sleep(30_000, 'still open')])).to.deep.equal([
      4408,
      'slow_consumer',
    ]);
    // It got less than was posted: the rest was never buffered for it.
    const messages = reader.replies.filter(
      (r) => (r.event as { type?: string } | undefined)?.type === 'MessageSent',
    );
    expect(messages.length).to.be.below(posted);
    await eventually('the socket gone', async () => (await liveSizes(platform)).sockets === 0);
    expect(await liveSizes(platform)).to.deep.equal(idle);
  });
});
