// `make bench` (actors): the actor runtime against the raw JetStream
// publish-with-ack rate, measured in the same run on the same servers.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startTestEnv } from '../e2e/testenv/index.js';
import { counterType } from '../services/actors/testdata/counter.js';
import {
  balanced,
  connectClient,
  fastOptions,
  freshDb,
  startReplica,
} from '../services/actors/testdata/harness.js';
import { insertCeiling } from './insert-ceiling.js';
import { summarise, table, type RunStats } from './stats.js';

const env = await startTestEnv({ servers: ['nats', 'mongo'] });
const natsUrl = env.nats!.url;

async function rawPublishWithAck(total: number, batch: number): Promise<RunStats> {
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw.>'] });
  const js = jetstream(nc);
  const payload = JSON.stringify({
    commandId: 'x'.repeat(20),
    actorId: 'actor-1',
    command: { type: 'add', amount: 1 },
  });
  const latencies: number[] = [];
  const started = performance.now();
  for (let sent = 0; sent < total; sent += batch) {
    await Promise.all(
      Array.from({ length: batch }, async (_, i) => {
        const t = performance.now();
        await js.publish(`bench.raw.${i % 16}`, payload, { msgID: `raw-${sent + i}` });
        latencies.push(performance.now() - t);
      }),
    );
  }
  const stats = summarise(latencies, (performance.now() - started) / 1000);
  await nc.close();
  return stats;
}

/** The event store's ceiling: event documents with the runtime's unique (stream, version) index. */
async function rawEventInserts(total: number, batch: number): Promise<RunStats> {
  const { db, mongo } = await freshDb(env.mongo!.url, 'bench_raw_inserts');
  const event = (n: number) => ({
    _id: `counter/a${n % 1000}#${Math.floor(n / 1000) + 1}`,
    stream: `counter/a${n % 1000}`,
    actorType: 'counter',
    actorId: `a${n % 1000}`,
    version: Math.floor(n / 1000) + 1,
    partition: n % 8,
    type: 'Added',
    data: { type: 'Added', amount: 1 },
    commandId: `raw-${n}-xxxxxxxxxxxxxxxx`,
    reply: { total: n },
    at: Date.now(),
  });
  const stats = await insertCeiling(
    [{ collection: db.collection('events'), index: { stream: 1, version: 1 }, doc: event }],
    total,
    batch,
  );
  await mongo.close();
  return stats;
}

/** `senders` concurrent callers, each sending its commands one after another to its actor. */
async function runtimeLoad(
  typeName: string,
  actors: number,
  senders: number,
  total: number,
): Promise<RunStats> {
  const { db, mongo } = await freshDb(env.mongo!.url, `bench_${typeName}`);
  const type = counterType(typeName);
  const replicas = [
    await startReplica(natsUrl, db, [type], fastOptions(`${typeName}-a`)),
    await startReplica(natsUrl, db, [type], fastOptions(`${typeName}-b`)),
  ];
  await balanced(replicas, typeName, 8);
  const clients = [await connectClient(natsUrl, 8), await connectClient(natsUrl, 8)];
  const latencies: number[] = [];
  const perSender = Math.ceil(total / senders);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      const client = clients[s % 2]!.client;
      for (let n = 0; n < perSender; n++) {
        const t = performance.now();
        const result = await client.send(
          typeName,
          `a${s % actors}`,
          { type: 'add', amount: 1 },
          { timeoutMs: 30_000 },
        );
        if (result.status !== 'accepted') throw new Error(`unexpected ${JSON.stringify(result)}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const stats = summarise(latencies, (performance.now() - started) / 1000);
  for (const r of replicas) await r.stop();
  for (const c of clients) await c.nc.close();
  await mongo.close();
  return stats;
}

try {
  console.log(
    'actor runtime benchmark: nats-server 2.12 + FerretDB (SQLite), two replicas in one process, 2 cores',
  );
  const raw = await rawPublishWithAck(20_000, 1000);
  const inserts = await rawEventInserts(20_000, 200);
  const hot = await runtimeLoad('benchhot', 1, 200, 10_000);
  const many = await runtimeLoad('benchmany', 1000, 1000, 20_000);
  console.log(
    table(
      [
        { name: 'raw JetStream publish+ack (batches of 1000)', stats: raw },
        { name: 'raw FerretDB event inserts (batches of 200)', stats: inserts },
        { name: 'runtime: 1 hot actor, 200 concurrent senders', stats: hot },
        { name: 'runtime: 1,000 actors, 2 replicas, 1000 senders', stats: many },
      ],
      raw,
    ),
  );
  const ofStore = (s: RunStats) => `${((s.perSecond / inserts.perSecond) * 100).toFixed(0)} %`;
  console.log(
    `against the event store's raw insert rate: 1 hot actor ${ofStore(hot)}, 1,000 actors ${ofStore(many)}`,
  );
} finally {
  await env.stop();
}
