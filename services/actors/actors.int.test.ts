import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { server } from '../../e2e/testenv/root-hooks.js';
import type { ActorClient } from './client.js';
import { ActorClientError } from './client.js';
import { EventStore, type StoredEvent } from './event-store.js';
import { partitionOf } from './partitioning.js';
import { counterType } from './testdata/counter.js';
import {
  balanced,
  connectClient,
  fastOptions,
  freshDb,
  startReplica,
  type Replica,
} from './testdata/harness.js';
import { streams, subjects } from './topology.js';
import type { NatsConnection } from '@nats-io/transport-node';

describe('actor runtime (real NATS JetStream and FerretDB)', function () {
  this.timeout(120_000);
  let db: Db;
  let mongo: MongoClient;
  let store: EventStore;
  const replicas: Replica[] = [];
  const clients: { client: ActorClient; nc: NatsConnection }[] = [];

  before(async () => {
    ({ db, mongo } = await freshDb(server('mongo').url, 'actors'));
    store = new EventStore(db);
  });
  after(async () => {
    for (const r of replicas.splice(0)) await r.stop();
    for (const c of clients.splice(0)) await c.nc.close();
    await mongo?.close();
  });

  async function twoReplicas(typeName: string, options = fastOptions) {
    const type = counterType(typeName);
    const pair = [
      await startReplica(server('nats').url, db, [type], options(`${typeName}-a`)),
      await startReplica(server('nats').url, db, [type], options(`${typeName}-b`)),
    ];
    replicas.push(...pair);
    await balanced(pair, typeName, 8);
    const a = await connectClient(server('nats').url, 8);
    const b = await connectClient(server('nats').url, 8);
    clients.push(a, b);
    return { pair, clients: [a.client, b.client] as const };
  }

  it('applies 1,000 concurrent commands to one actor from two clients and two replicas with gap-free versions', async () => {
    const {
      pair,
      clients: [c1, c2],
    } = await twoReplicas('hot');
    expect(pair[0]!.host.owned('hot').length + pair[1]!.host.owned('hot').length).to.equal(8);
    expect(pair[0]!.host.owned('hot').length).to.be.above(0);
    expect(pair[1]!.host.owned('hot').length).to.be.above(0);

    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        (i % 2 ? c1 : c2).send(
          'hot',
          'one',
          { type: 'add', amount: 1 },
          { commandId: `hot-${i}`, timeoutMs: 30_000 },
        ),
      ),
    );
    const versions = results.map((r) => (r.status === 'accepted' ? r.version : -1)).sort((a, b) => a - b);
    expect(versions).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i + 1));

    const stored = await store.readStream('hot/one');
    expect(stored.map((e) => e.version)).to.deep.equal(versions);
    expect(new Set(stored.map((e) => e.commandId)).size).to.equal(1000);
    expect(await c1.query('hot', 'one', { type: 'state' })).to.deep.equal({
      total: 1000,
      adds: 1000,
      closed: false,
    });
  });

  it('applies a retried command once and answers the retry with the first result', async () => {
    const {
      clients: [c1, c2],
    } = await twoReplicas('retry');
    const first = await c1.send('retry', 'r1', { type: 'add', amount: 7 }, { commandId: 'same-id' });
    const again = await c2.send('retry', 'r1', { type: 'add', amount: 7 }, { commandId: 'same-id' });
    expect(again)
      .to.deep.equal(first)
      .and.deep.equal({ status: 'accepted', version: 1, reply: { total: 7 } });
    expect(await store.readStream('retry/r1')).to.have.length(1);
  });

  it('answers a retry sent while the first send is in flight with the first result', async () => {
    const {
      clients: [c1, c2],
    } = await twoReplicas('inflight');
    const command = { type: 'add', amount: 5 };
    const sends = Array.from({ length: 5 }, (_, i) =>
      (i % 2 ? c2 : c1).send('inflight', 'f1', command, { commandId: 'same-in-flight' }),
    );
    const results = await Promise.all(sends);
    for (const result of results)
      expect(result).to.deep.equal({ status: 'accepted', version: 1, reply: { total: 5 } });
    expect(await store.readStream('inflight/f1')).to.have.length(1);
  });

  it('rejects bad commands with typed errors and parks poison without blocking the mailbox', async () => {
    const {
      pair,
      clients: [c1],
    } = await twoReplicas('poison');
    const invalid = await c1.send('poison', 'p1', { type: 'add', amount: 'many' });
    expect(invalid).to.deep.include({ status: 'rejected', code: 'invalid_command' });
    const thrown = await c1.send('poison', 'p1', { type: 'explode' });
    expect(thrown).to.deep.include({ status: 'rejected', code: 'command_failed' });

    // Garbage straight onto the mailbox: not JSON, and JSON naming another actor.
    const nc = clients[0]!.nc;
    const js = jetstream(nc);
    const mailbox = subjects.command('poison', partitionOf('p1', 8), 'p1');
    await js.publish(mailbox, new Uint8Array([0xff, 0xfe, 0x00]));
    await js.publish(mailbox, JSON.stringify({ commandId: 'c-x', actorId: 'someone-else', command: {} }));
    // A reply address that is not <inbox>.<key>: refused, and the caller told on the command id's subject.
    const told = nc.subscribe(subjects.reply('c-y'), { max: 1, timeout: 10_000 });
    await js.publish(
      mailbox,
      JSON.stringify({ commandId: 'c-y', actorId: 'p1', command: {}, replyTo: 'a.b.>' }),
    );
    for await (const msg of told)
      expect(msg.json()).to.deep.include({ status: 'rejected', code: 'invalid_envelope' });

    const after = await c1.send('poison', 'p1', { type: 'add', amount: 3 });
    expect(after).to.deep.equal({ status: 'accepted', version: 1, reply: { total: 3 } });

    const jsm = await jetstreamManager(nc);
    const parked = await jsm.streams.getMessage(streams.parked, { last_by_subj: subjects.parked('poison') });
    expect(parked?.header.get('Metachat-Parked-Reason')).to.equal('invalid_envelope');
    const metrics = (
      await Promise.all(pair.map((r) => r.registry.getSingleMetricAsString('actor_parked_total')))
    ).join('\n');
    const count = (reason: string) =>
      [...metrics.matchAll(new RegExp(`reason="${reason}"[^}]*} (\\d+)`, 'g'))].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
    expect(count('invalid_envelope')).to.equal(3);
    expect(count('decider_threw')).to.equal(1);
    const queryError = await c1.query('poison', 'p1', { type: 'nonsense' }).catch((err: unknown) => err);
    expect(queryError).to.be.instanceOf(ActorClientError).and.have.property('code', 'query_failed');
  });

  it('gives the same state after passivation, and from snapshot + tail, as a full replay', async () => {
    const opts = (id: string) => {
      const o = fastOptions(id);
      return { ...o, settings: { ...o.settings, snapshotEvery: 10, idleMs: 200 } };
    };
    const {
      clients: [c1],
    } = await twoReplicas('snap', opts);
    for (let i = 1; i <= 25; i++) await c1.send('snap', 's1', { type: 'add', amount: i });
    await new Promise((r) => setTimeout(r, 1500)); // idle > idleMs: passivated
    const snapshot = await store.loadSnapshot('snap/s1');
    expect(snapshot?.version).to.be.within(10, 25);
    const reactivated = await c1.query('snap', 's1', { type: 'state' });

    const full = counterType('snap');
    let state = full.initialState('s1');
    for (const e of await store.readStream('snap/s1')) state = full.evolve(state, e.data as never);
    expect(reactivated).to.deep.equal(state).and.deep.equal({ total: 325, adds: 25, closed: false });
  });

  it('publishes events stored but never published (a crash between append and publish)', async () => {
    const {
      clients: [c1],
    } = await twoReplicas('outbox');
    await c1.send('outbox', 'o1', { type: 'add', amount: 1 });
    // What a crash right after the append leaves behind: version 2 stored, not on JetStream.
    const orphan: StoredEvent = {
      _id: 'outbox/o1#2',
      stream: 'outbox/o1',
      actorType: 'outbox',
      actorId: 'o1',
      version: 2,
      partition: partitionOf('o1', 8),
      type: 'Added',
      data: { type: 'Added', amount: 41 },
      commandId: 'lost-publish',
      at: Date.now(),
    };
    await store.events.insertOne(orphan);
    // The next command collides with the stored version 2, reloads the actor, and
    // activation publishes what JetStream lacks before deciding.
    const next = await c1.send('outbox', 'o1', { type: 'add', amount: 1 });
    expect(next).to.deep.equal({ status: 'accepted', version: 3, reply: { total: 43 } });
    const jsm = await jetstreamManager(clients[0]!.nc);
    const deadline = Date.now() + 10_000;
    let last;
    while (Date.now() < deadline) {
      last = await jsm.streams
        .getMessage(streams.events('outbox'), { last_by_subj: subjects.event('outbox', 'o1') })
        .catch(() => null);
      if (last?.json<{ version: number }>().version === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last?.json<{ id: string; version: number }>()).to.deep.include({ id: 'outbox/o1#3', version: 3 });
    const republished = await jsm.streams.getMessage(streams.events('outbox'), { seq: last!.seq - 1 });
    expect(republished?.json<{ id: string }>().id).to.equal('outbox/o1#2');
  });

  it('never publishes an event of a turn after an earlier one of the same turn failed to publish', async () => {
    const {
      clients: [c1],
    } = await twoReplicas('prefix');
    const jsm = await jetstreamManager(clients[0]!.nc);
    const { config } = await jsm.streams.info(streams.events('prefix'));
    // JetStream refuses a message over the stream's size limit: the large event's publish fails.
    await jsm.streams.update(streams.events('prefix'), { ...config, max_msg_size: 2048 });
    const lastOnJetStream = async () =>
      (
        await jsm.streams
          .getMessage(streams.events('prefix'), { last_by_subj: subjects.event('prefix', 'p1') })
          .catch(() => null)
      )?.json<{ version: number }>().version ?? 0;

    // The first command's turn is running while the next two queue: they share the next turn.
    const sends = [
      c1.send('prefix', 'p1', { type: 'add', amount: 1 }),
      c1.send('prefix', 'p1', { type: 'add', amount: 1, note: 'x'.repeat(4096) }),
      c1.send('prefix', 'p1', { type: 'add', amount: 1 }),
    ];
    await Promise.allSettled(sends);
    const stored = await store.readStream('prefix/p1');
    expect(
      stored.map((e) => e.version),
      'the large event and the one after it were stored in one turn',
    ).to.deep.equal([1, 2, 3]);
    // Redeliveries keep failing on the large event; the small one after it must not overtake it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await lastOnJetStream()).to.equal(1);
  });
});
