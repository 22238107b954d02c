// `make bench` (chat): the same workload through MetaChat (two gateways,
// durable and ordered) and through Socket.IO with its Redis adapter (two
// servers, in memory, no persistence): N clients in M rooms sending messages.
// Prints delivered messages/s and send→deliver latency for both, and the ratio.
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { startPlatform } from '../e2e/platform.js';
import { startTestEnv } from '../e2e/testenv/index.js';
import { MetaChat } from '../services/sdk/index.js';
import { summarise, type RunStats } from './stats.js';

const rooms = 10;
const membersPerRoom = 5;
const messagesPerClient = 40;

interface Workload {
  /** Starts one client per (room, member); resolves once every client listens. */
  connect(
    room: number,
    member: number,
    onDeliver: (text: string) => void,
  ): Promise<(text: string) => Promise<void>>;
  close(): Promise<void>;
}

/** Each client sends its messages one after another; each delivery's latency is measured from its send. */
async function run(
  workload: Workload,
  pace?: { messagesPerSecond: number },
): Promise<RunStats & { delivered: number }> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const senders: ((text: string) => Promise<void>)[][] = [];
  for (let r = 0; r < rooms; r++) {
    senders.push([]);
    for (let m = 0; m < membersPerRoom; m++) {
      senders[r]!.push(
        await workload.connect(r, m, (text) => {
          const t = sentAt.get(text);
          if (t !== undefined) latencies.push(performance.now() - t);
        }),
      );
    }
  }
  const clients = rooms * membersPerRoom;
  const interval = pace ? (1000 * clients) / pace.messagesPerSecond : 0;
  const started = performance.now();
  await Promise.all(
    senders.flat().map(async (send, c) => {
      for (let n = 0; n < messagesPerClient; n++) {
        const text = `c${c}-m${n}`;
        const due = started + n * interval + (c * interval) / clients;
        if (pace && performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
        sentAt.set(text, performance.now());
        await send(text);
      }
    }),
  );
  const expected = clients * messagesPerClient * membersPerRoom;
  const deadline = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const stats = summarise(latencies, (performance.now() - started) / 1000);
  await workload.close();
  return { ...stats, delivered: latencies.length };
}

async function metachatWorkload(platformUrls: string[]): Promise<Workload> {
  const streams: { close(): void }[] = [];
  const owners = new Map<number, { client: MetaChat; room: string; members: string[] }>();
  let serial = 0;
  return {
    async connect(r, m, onDeliver) {
      const client = new MetaChat({
        baseUrl: platformUrls[(r + m) % platformUrls.length]!,
        WebSocket: WebSocket as never,
      });
      const id = (
        await client.register(
          `bench${serial++}-${Date.now()}@example.com`,
          `Bench ${r}/${m}`,
          'bench-password',
        )
      ).id;
      let entry = owners.get(r);
      if (!entry) {
        entry = { client, room: (await client.createRoom(`bench ${r}`)).id, members: [id] };
        owners.set(r, entry);
      } else {
        await entry.client.api('POST', `/rooms/${entry.room}/invitations`, { user: id });
        await client.api('POST', `/rooms/${entry.room}/join`);
      }
      const live = client.events({ [entry.room]: 0 });
      streams.push(live);
      await live.subscribed;
      void (async () => {
        for await (const e of live) if (e.event.type === 'MessageSent') onDeliver(String(e.event.text));
      })();
      const room = entry.room;
      return async (text) => void (await client.send(room, text));
    },
    async close() {
      for (const s of streams) s.close();
    },
  };
}

async function socketIoWorkload(redisUrl: string): Promise<Workload> {
  const servers = await Promise.all(
    [0, 1].map(async () => {
      const http = createServer();
      const pub = new Redis(redisUrl);
      const sub = pub.duplicate();
      const io = new Server(http, { adapter: createAdapter(pub, sub) });
      io.on('connection', (socket) => {
        socket.on('join', async (room: string, ack: () => void) => {
          await socket.join(room);
          ack();
        });
        socket.on('message', (room: string, text: string, ack: () => void) => {
          io.to(room).emit('message', text);
          ack();
        });
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      return { io, http, pub, sub, port: (http.address() as AddressInfo).port };
    }),
  );
  const sockets: Socket[] = [];
  return {
    async connect(r, m, onDeliver) {
      const socket = connectSocketIo(`http://127.0.0.1:${servers[(r + m) % 2]!.port}`, {
        transports: ['websocket'],
      });
      sockets.push(socket);
      socket.on('message', (text: string) => onDeliver(text));
      await new Promise<void>((resolve) => socket.emit('join', `room${r}`, resolve));
      return (text) => new Promise<void>((resolve) => socket.emit('message', `room${r}`, text, resolve));
    },
    async close() {
      for (const s of sockets) s.close();
      for (const s of servers) {
        s.io.close();
        s.pub.disconnect();
        s.sub.disconnect();
      }
    },
  };
}

const env = await startTestEnv({ servers: ['nats', 'mongo', 'redis'] });
try {
  const platform = await startPlatform({
    natsUrl: env.nats!.url,
    mongoUrl: env.mongo!.url,
    redisUrl: env.redis!.url,
    database: `bench_${Date.now().toString(36)}`,
    gateways: 2,
  });
  try {
    const urls = platform.gateways.map((g) => g.url);
    console.log(
      `chat benchmark: ${rooms} rooms × ${membersPerRoom} clients, ${messagesPerClient} messages each, every message delivered to its room's ${membersPerRoom} members; 2 servers each; 2 cores`,
    );
    const peer = await run(await socketIoWorkload(env.redis!.url));
    const ours = await run(await metachatWorkload(urls));
    const paced = await run(await metachatWorkload(urls), { messagesPerSecond: 1000 });
    const row = (name: string, s: RunStats & { delivered: number }) =>
      `| ${name.padEnd(44)} | ${String(s.delivered).padStart(9)} | ${s.perSecond.toFixed(0).padStart(12)} | ${s.p50Ms.toFixed(1).padStart(6)} | ${s.p99Ms.toFixed(1).padStart(7)} |`;
    console.log(`| ${'system'.padEnd(44)} | delivered | deliveries/s | p50 ms | p99 ms  |`);
    console.log(`| ${'-'.repeat(44)} | --------- | ------------ | ------ | ------- |`);
    console.log(row('Socket.IO + Redis adapter (no persistence)', peer));
    console.log(row('MetaChat (durable, ordered), unpaced', ours));
    console.log(row('MetaChat, paced at 1,000 sends/s', paced));
    console.log(`MetaChat / Socket.IO throughput: ${(ours.perSecond / peer.perSecond).toFixed(2)}×`);
  } finally {
    await platform.stop();
  }
} finally {
  await env.stop();
}
