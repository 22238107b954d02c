// `make bench` (social layer), three figures, each next to a baseline from the same run:
//  1. presence heartbeats/s through the presence script (Redis) vs a plain SET with a TTL;
//  2. presence fan-out when a user in 1,000 rooms connects: time until every watcher
//     sharing a room has the "online" push, and how many frames that took (coalesced:
//     one per watcher) vs one frame per room;
//  3. unread-count reads in a room of 10,000 members (watermark, via the API) vs
//     counting the unread messages in the read model.
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { WebSocket } from 'ws';
import { PresenceStore } from '../services/presence/presence-store.js';
import { MetaChat, type LiveSignal } from '../services/sdk/index.js';
import { startPlatform } from '../e2e/platform.js';
import { eventually } from '../e2e/testenv/eventually.js';
import { startTestEnv } from '../e2e/testenv/index.js';
import { summarise, type RunStats } from './stats.js';

const heartbeats = 20_000;
const devices = 2_000;
const concurrency = 64;
const fanoutRooms = 1_000;
const watchers = 100;
const rounds = 3;
const roomMembers = 10_000;
const roomMessages = 2_000;
const unreadReads = 200;

const benchStarted = performance.now();
/** Progress on stderr, so a slow set-up shows where it is (the figures go to stdout). */
const phase = (what: string) =>
  console.error(`[social bench ${((performance.now() - benchStarted) / 1000).toFixed(0)} s] ${what}`);

const row = (name: string, s: RunStats, unit: string) =>
  `| ${name.padEnd(52)} | ${String(s.count).padStart(6)} | ${s.perSecond.toFixed(0).padStart(8)} ${unit.padEnd(9)} | ${s.p50Ms.toFixed(2).padStart(7)} | ${s.p99Ms.toFixed(2).padStart(7)} |`;
const header = () => {
  console.log(
    `| ${'workload'.padEnd(52)} | ${'ops'.padStart(6)} | ${'rate'.padStart(18)} | p50 ms  | p99 ms  |`,
  );
  console.log(`| ${'-'.repeat(52)} | ------ | ------------------ | ------- | ------- |`);
};

/** Runs `op(i)` `count` times, `parallel` at a time; latency of each. */
async function timed(
  count: number,
  op: (i: number) => Promise<unknown>,
  parallel = concurrency,
): Promise<RunStats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return summarise(latencies, (performance.now() - started) / 1000);
}

async function presenceHeartbeats(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const store = new PresenceStore(redis, 30_000);
  const ours = await timed(heartbeats, (i) =>
    store.beat(`bench-u${i % devices}`, `d${i % devices}`, i % 7 === 0 ? 'away' : 'active'),
  );
  const plain = await timed(heartbeats, (i) => redis.set(`bench-plain:${i % devices}`, '1', 'PX', 30_000));
  header();
  console.log(row('presence heartbeat (script: status change + expiry)', ours, 'beats/s'));
  console.log(row('baseline: plain SET with a TTL', plain, 'sets/s'));
  console.log(`presence heartbeat / plain SET: ${((ours.perSecond / plain.perSecond) * 100).toFixed(0)} %`);
  for (const store of [redis]) store.disconnect();
}

async function presenceFanout(url: string, mongoUrl: string, database: string): Promise<void> {
  const mongo = await MongoClient.connect(mongoUrl);
  const memberships = mongo.db(database).collection('chat_memberships');
  const client = () => new MetaChat({ baseUrl: url, WebSocket: WebSocket as never });
  const subject = client();
  const subjectId = (await subject.register('bench-fanout@example.com', 'Subject', 'subject-password')).id;
  // Registration hashes passwords (scrypt): a few at a time, or identity falls behind its callers.
  const people: { who: MetaChat; id: string }[] = [];
  for (let i = 0; i < watchers; i += 4) {
    const batch = Array.from({ length: Math.min(4, watchers - i) }, async (_, j) => {
      const who = client();
      const id = (await who.register(`bench-watcher-${i + j}@example.com`, `W${i + j}`, 'watcher-password'))
        .id;
      return { who, id };
    });
    people.push(...(await Promise.all(batch)));
  }
  phase(`${watchers + 1} users registered; creating ${fanoutRooms} rooms`);
  // 1,000 rooms of the subject, each shared with one watcher (each watcher shares 10).
  const roomsOf = new Map<number, string[]>();
  for (let r = 0; r < fanoutRooms; r++) {
    const w = r % watchers;
    const { id } = await subject.createRoom(`fan-out ${r}`, { members: [people[w]!.id] });
    await people[w]!.who.acceptInvitation(id);
    roomsOf.set(w, [...(roomsOf.get(w) ?? []), id]);
  }
  phase('rooms created; waiting for the read model');
  await eventually(
    'the read model to hold every membership of the subject',
    async () => {
      await new Promise((r) => setTimeout(r, 1000)); // each count is a scan on FerretDB: poll gently
      return (await memberships.countDocuments({ user: subjectId })) === fanoutRooms;
    },
    300_000,
  );
  phase('read model level; watchers subscribing');
  // Each watcher records when it learns the subject's status (coalesced: one frame per change).
  const seen: { status: string; at: number }[] = [];
  const subscribing = performance.now();
  const lives = await Promise.all(
    people.map(async ({ who }, w) => {
      // Watchers resume where they were (each room: created, then two joins): level with their rooms.
      const live = who.events(Object.fromEntries(roomsOf.get(w)!.map((room) => [room, 3])), {
        heartbeatMs: 60_000,
      });
      live.onSignal((s: LiveSignal) => {
        const mine = s.type === 'presence' ? s.users.find((u) => u.user === subjectId) : undefined;
        if (mine) seen.push({ status: mine.status, at: performance.now() });
      });
      await live.caughtUp; // history delivered: the watcher is live in all its rooms
      return live;
    }),
  );
  const caughtUpSeconds = (performance.now() - subscribing) / 1000;
  /** Until every watcher has heard `status`; the time from `since` to the last of them. */
  const everyoneHears = async (status: string, since: number) => {
    await eventually(
      `every watcher to hear ${status}`,
      async () => seen.filter((s) => s.status === status && s.at >= since).length >= watchers,
      60_000,
    );
    return Math.max(...seen.filter((s) => s.status === status && s.at >= since).map((s) => s.at)) - since;
  };
  phase(`watchers caught up in ${caughtUpSeconds.toFixed(1)} s; ${rounds} rounds of connect/close`);
  const online: number[] = [];
  const offline: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const connectedAt = performance.now();
    const live = subject.events({}, { heartbeatMs: 60_000 });
    online.push(await everyoneHears('online', connectedAt));
    const closedAt = performance.now();
    live.close();
    offline.push(await everyoneHears('offline', closedAt));
  }
  await new Promise((r) => setTimeout(r, 500)); // any extra frames would arrive now
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `presence fan-out, one user in ${fanoutRooms} rooms shared with ${watchers} watchers (${rounds} rounds, median): every watcher had "online" ${median(online).toFixed(0)} ms after the connect, "offline" ${median(offline).toFixed(0)} ms after the close; ${seen.length} frames in all = one per watcher per change (one frame per shared room would be ${fanoutRooms} per change); the watchers' ${fanoutRooms} subscriptions caught up in ${caughtUpSeconds.toFixed(1)} s`,
  );
  for (const l of lives) l.close();
  await mongo.close();
}

async function unreadCounts(url: string, mongoUrl: string, database: string): Promise<void> {
  const reader = new MetaChat({ baseUrl: url });
  const readerId = (await reader.register('bench-reader@example.com', 'Reader', 'reader-password')).id;
  const writer = new MetaChat({ baseUrl: url });
  const { id: room } = await (async () => {
    await writer.register('bench-writer@example.com', 'Writer', 'writer-password');
    const created = await writer.createRoom('Ten thousand', { members: [readerId] });
    await reader.acceptInvitation(created.id);
    return created;
  })();
  for (let i = 0; i < roomMessages; i += 20)
    await Promise.all(Array.from({ length: 20 }, (_, j) => writer.send(room, `message ${i + j}`)));
  phase(`${roomMessages} messages sent; waiting for the read model`);
  const mongo = await MongoClient.connect(mongoUrl);
  const readModel = mongo.db(database);
  await eventually(
    'the read model to hold the messages',
    async () => {
      await new Promise((r) => setTimeout(r, 1000)); // each count is a scan on FerretDB: poll gently
      return (await readModel.collection('chat_messages').countDocuments({ room })) === roomMessages;
    },
    600_000,
  );
  // The other 9,998 members go straight into the read model, as the projection
  // would write their joins: through the projection each join is an update,
  // and FerretDB's SQLite backend scans the collection for every one (ADR 0002).
  const joinedAt = Date.now();
  const others = Array.from({ length: roomMembers - 2 }, (_, i) => ({
    _id: `u_bench_member_${i}#${room}`,
    user: `u_bench_member_${i}`,
    room,
    role: 'member',
    joinedAt,
    readSeq: 0,
    readN: 0,
  }));
  for (let i = 0; i < others.length; i += 1000)
    await readModel.collection('chat_memberships').insertMany(others.slice(i, i + 1000) as never[]);
  phase(`${roomMembers} members in the room; reading unread counts`);
  const { seq: half } = await reader.markRead(room, roomMessages / 2);
  // Messages take sequences 4, 5, … (after the room and its two joins): unread = those after the watermark.
  const expected = roomMessages - (half - 3);
  const oneRoom = await timed(
    unreadReads,
    async () => {
      if ((await reader.unread(room)).unread !== expected) throw new Error('unexpected unread count');
    },
    1, // one reader at a time: the latency of a read, not the database's queue
  );
  const allRooms = await timed(
    unreadReads,
    async () => {
      const { rooms } = await reader.rooms();
      if ((rooms.find((r) => r.id === room) as { unread?: number } | undefined)?.unread !== expected)
        throw new Error('unexpected unread count');
    },
    1,
  );
  const counted = await timed(
    unreadReads,
    () =>
      readModel
        .collection('chat_messages')
        .countDocuments({ room, seq: { $gt: half }, author: { $ne: readerId }, deleted: false }),
    1,
  );
  header();
  console.log(row('unread of one room (GET /rooms/:room/unread; watermark)', oneRoom, 'reads/s'));
  console.log(row('unread of all my rooms (GET /rooms; watermarks)', allRooms, 'reads/s'));
  console.log(row('baseline: count the unread messages in the read model', counted, 'counts/s'));
  console.log(
    `room of ${roomMembers} members and ${roomMessages} messages; one-room unread p50 ${oneRoom.p50Ms.toFixed(1)} ms vs counting ${counted.p50Ms.toFixed(1)} ms (FerretDB scans for every read but one by _id)`,
  );
  await mongo.close();
}

const env = await startTestEnv({ servers: ['nats', 'mongo', 'redis'] });
try {
  const database = `bench_social_${Date.now().toString(36)}`;
  const platform = await startPlatform({
    natsUrl: env.nats!.url,
    mongoUrl: env.mongo!.url,
    redisUrl: env.redis!.url,
    database,
  });
  try {
    console.log('social layer benchmark (real Redis, NATS, FerretDB; services as processes; 2 cores)');
    // SOCIAL_BENCH_ONLY=heartbeats|fanout|unread runs one part.
    const only = process.env.SOCIAL_BENCH_ONLY;
    const url = platform.gateways[0]!.url;
    if (!only || only === 'heartbeats') await presenceHeartbeats(env.redis!.url);
    if (!only || only === 'fanout') await presenceFanout(url, env.mongo!.url, database);
    if (!only || only === 'unread') await unreadCounts(url, env.mongo!.url, database);
  } catch (err) {
    // What the services complained of, to tell why a part did not finish.
    const complaints = [platform.identity, ...platform.chat, ...platform.gateways.map((g) => g.process)]
      .flatMap((p) => p.lines)
      .filter((line) => line.level === 'warn' || line.level === 'error');
    for (const line of complaints.slice(-10)) console.error(JSON.stringify(line).slice(0, 400));
    throw err;
  } finally {
    await platform.stop();
  }
} finally {
  await env.stop();
}
