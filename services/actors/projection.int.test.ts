import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { createLogger } from '../kit/log.js';
import { server } from '../../e2e/testenv/root-hooks.js';
import { startProjection, upsertIfNewer } from './projection.js';
import { counterType } from './testdata/counter.js';
import {
  balanced,
  connectClient,
  fastOptions,
  freshDb,
  startReplica,
  type Replica,
} from './testdata/harness.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { eventually } from '../../e2e/testenv/eventually.js';
import { streams } from './topology.js';
import { partitionsFor } from './partitioning.js';
import { connectNats } from '../kit/nats-connect.js';

interface Total {
  _id: string;
  total: number;
  version: number;
}

describe('projections (real NATS JetStream and FerretDB)', function () {
  this.timeout(60_000);
  let db: Db;
  let mongo: MongoClient;
  let replica: Replica;
  let nc: NatsConnection;

  before(async () => {
    ({ db, mongo } = await freshDb(server('mongo').url, 'projection'));
    replica = await startReplica(server('nats').url, db, [counterType('proj')], fastOptions('proj-a'));
    await balanced([replica], 'proj', 8);
  });
  after(async () => {
    await replica?.stop();
    await nc?.close();
    await mongo?.close();
  });

  it('keeps a read model up to date and resumes after a stop where it left off', async () => {
    const client = await connectClient(server('nats').url, 8);
    nc = client.nc;
    const totals = db.collection<Total>('proj_totals');
    const positions: number[][] = [[], []];
    const start = (run: number) =>
      startProjection({
        nc,
        name: 'proj-totals',
        actorType: 'proj',
        log: createLogger({ service: 'test', level: 'error' }),
        async handle(event, position) {
          positions[run]!.push(position);
          const current = await totals.findOne({ _id: event.actorId });
          const amount = Number(event.data.amount);
          if ((current?.version ?? 0) >= event.version) return; // seen already
          await upsertIfNewer(totals, event.actorId, event.version, {
            total: (current?.total ?? 0) + amount,
          });
        },
      });

    let projection = await start(0);
    for (let i = 1; i <= 10; i++) await client.client.send('proj', 'p1', { type: 'add', amount: i });
    await eventually(
      'the first 10 events to be projected',
      async () => (await totals.findOne({ _id: 'p1' }))?.version === 10,
    );
    await projection.stop();

    for (let i = 11; i <= 15; i++) await client.client.send('proj', 'p1', { type: 'add', amount: i });
    projection = await start(1);
    await eventually(
      'the last 5 events to be projected',
      async () => (await totals.findOne({ _id: 'p1' }))?.version === 15,
    );
    await projection.stop();

    expect(await totals.findOne({ _id: 'p1' })).to.deep.equal({ _id: 'p1', total: 120, version: 15 });
    expect(positions[0]).to.have.length(10);
    expect(positions[1]).to.have.length(5); // resumed: nothing handled twice
    expect(Math.min(...positions[1]!)).to.be.above(Math.max(...positions[0]!));
  });

  describe('writing behind', () => {
    const log = createLogger({ service: 'test', level: 'error' });
    let conn: Awaited<ReturnType<typeof connectClient>>;
    before(async () => (conn = await connectClient(server('nats').url, 8)));
    after(async () => conn?.nc.close());
    const highest = () => db.collection<{ _id: string; version: number }>('proj_behind');
    /** A read model that keeps each actor's highest version pending and writes it behind. */
    const behind = (everyMs: number, failFirst = 0) => {
      const pending = new Map<string, number>();
      const model = { flushes: 0, ackPendingAtFlush: [] as number[] };
      return {
        model,
        handleBatch: async (events: { event: { actorId: string; version: number } }[]) => {
          for (const { event } of events)
            pending.set(event.actorId, Math.max(pending.get(event.actorId) ?? 0, event.version));
        },
        writeBehind: {
          everyMs,
          async flush() {
            model.flushes++;
            model.ackPendingAtFlush.push(await ackPending());
            if (model.flushes <= failFirst) throw new Error('store unavailable');
            const writes = [...pending].map(([_id, version]) => ({
              updateOne: { filter: { _id }, update: { $max: { version } }, upsert: true },
            }));
            pending.clear();
            if (writes.length > 0) await highest().bulkWrite(writes);
          },
        },
      };
    };
    let name = '';
    const ackPending = async () =>
      (await (await jetstreamManager(conn.nc)).consumers.info(streams.events('proj'), `proj-${name}`))
        .num_ack_pending;
    const versionOf = async (id: string) => (await highest().findOne({ _id: id }))?.version;

    it('acks events only once the coalesced write after them is in, retrying a failed one', async () => {
      name = 'proj-behind';
      const { model, ...handlers } = behind(200, 1);
      const projection = await startProjection({ nc: conn.nc, name, actorType: 'proj', log, ...handlers });
      try {
        for (let i = 1; i <= 5; i++) await conn.client.send('proj', 'b1', { type: 'add', amount: i });
        await eventually('b1 written behind', async () => (await versionOf('b1')) === 5);
        await eventually('every event acked', async () => (await ackPending()) === 0);
        expect(model.flushes, 'the failed write was tried again').to.be.at.least(2);
        expect(model.ackPendingAtFlush[0], 'unacked until written').to.be.above(0);
      } finally {
        await projection.stop();
      }
    });

    it('keeps projecting after its timer finds nothing left to write', async () => {
      name = 'proj-behind-idle-timer';
      const { model: _model, ...handlers } = behind(1000);
      // Two events make a full batch, written at once: the timer the first one set then fires on nothing.
      const projection = await startProjection({
        nc: conn.nc,
        name,
        actorType: 'proj',
        log,
        batchSize: 2,
        ...handlers,
      });
      try {
        await eventually('the earlier events written', async () => (await ackPending()) === 0);
        await conn.client.send('proj', 'b3', { type: 'add', amount: 1 });
        await conn.client.send('proj', 'b3', { type: 'add', amount: 2 });
        await eventually('the full batch written', async () => (await versionOf('b3')) === 2);
        await new Promise((r) => setTimeout(r, 1100)); // the first event's timer has fired
        await conn.client.send('proj', 'b3', { type: 'add', amount: 3 });
        await eventually('a later event still projected', async () => (await versionOf('b3')) === 3);
      } finally {
        await projection.stop();
      }
    });

    it('writes what is pending when it stops, and acks it', async () => {
      name = 'proj-behind-stop';
      const { model, ...handlers } = behind(60_000);
      const projection = await startProjection({ nc: conn.nc, name, actorType: 'proj', log, ...handlers });
      for (let i = 1; i <= 3; i++) await conn.client.send('proj', 'b2', { type: 'add', amount: i });
      await eventually('the events held unacked', async () => (await ackPending()) >= 3);
      expect(await versionOf('b2'), 'not written before the interval').to.equal(undefined);
      await projection.stop();
      expect(model.flushes).to.equal(1);
      expect(await versionOf('b2')).to.equal(3);
      expect(await ackPending()).to.equal(0);
    });
  });

  describe('under several replicas', () => {
    const log = createLogger({ service: 'test', level: 'error' });
    let conn: Awaited<ReturnType<typeof connectClient>>;
    before(async () => (conn = await connectClient(server('nats').url, 8)));
    after(async () => conn?.nc.close());

    interface Applied {
      replica: string;
      position: number;
      actorId: string;
      version: number;
    }
    /** Two replica names, the first the one rendezvous hashing gives the projection to while both live. */
    const replicaNames = (name: string) => {
      const [a, b] = [`${name}-a`, `${name}-b`];
      return partitionsFor(a, [a, b], 1).has(0) ? [a, b] : [b, a];
    };
    /** Starts a replica of the projection on its own connection, recording what it applies. */
    const startReplicaOf = async (
      name: string,
      replicaId: string,
      applied: Applied[],
      options: { frozen?: () => boolean; lingerMs?: number; batches?: number[] } = {},
    ) => {
      const nc = await connectNats({ servers: server('nats').url });
      const projection = await startProjection({
        nc,
        name,
        actorType: 'proj',
        log,
        replicaId,
        ownershipTtlMs: 1000,
        lingerMs: options.lingerMs ?? 0,
        async handleBatch(events) {
          if (options.frozen?.()) await new Promise(() => undefined); // hangs with the batch unacked, like a dead process
          options.batches?.push(events.length);
          for (const { event, position } of events)
            applied.push({ replica: replicaId, position, actorId: event.actorId, version: event.version });
        },
      });
      return { nc, projection };
    };
    const send = async (actorId: string, times: number) => {
      for (let i = 0; i < times; i++) await conn.client.send('proj', actorId, { type: 'add', amount: 1 });
    };
    const positionsOf = (applied: Applied[], replica: string) =>
      applied.filter((a) => a.replica === replica).map((a) => a.position);

    it('is consumed by one replica; a standby takes over a dead one from its last ack, in order', async () => {
      const name = 'proj-owner-crash';
      const [owner, standby] = replicaNames(name) as [string, string];
      const applied: Applied[] = [];
      let ownerDies = false;
      const first = await startReplicaOf(name, owner, applied, { frozen: () => ownerDies });
      const second = await startReplicaOf(name, standby, applied);
      try {
        await send('o1', 10);
        await send('o2', 10);
        const caughtUp = () => versionsOf(applied).get('o1') === 10 && versionsOf(applied).get('o2') === 10;
        await eventually('the stream applied so far', async () => caughtUp());
        expect(positionsOf(applied, standby), 'the standby applies nothing').to.deep.equal([]);

        ownerDies = true;
        await send('o1', 5); // delivered to the owner, which never acks them
        await eventually('the owner holding events unacked', async () => (await ackPendingOf(name)) > 0);
        await first.nc.close();
        await send('o2', 5); // newer than what the owner held
        await eventually('the standby caught up', async () => versionsOf(applied).get('o2') === 15);

        const owned = positionsOf(applied, owner);
        const taken = positionsOf(applied, standby);
        expect(taken[0], 'the standby starts right after the last acked event').to.equal(owned.at(-1)! + 1);
        expect(taken, 'in stream order').to.deep.equal([...taken].sort((x, y) => x - y));
        expect(new Set([...owned, ...taken]).size, 'nothing missed or repeated').to.equal(
          owned.length + taken.length,
        );
        expect(Object.fromEntries(versionsOf(applied))).to.include({ o1: 15, o2: 15 });
      } finally {
        await second.projection.stop();
        await second.nc.close();
      }
    });

    it('hands over from a replica that stops, without applying anything twice', async () => {
      const name = 'proj-owner-stop';
      const [owner, standby] = replicaNames(name) as [string, string];
      const applied: Applied[] = [];
      const first = await startReplicaOf(name, owner, applied);
      const second = await startReplicaOf(name, standby, applied);
      try {
        await send('h1', 5);
        await eventually('5 events applied', async () => versionsOf(applied).get('h1') === 5);
        expect(positionsOf(applied, standby), 'the standby applies nothing').to.deep.equal([]);
        await first.projection.stop();
        await send('h1', 5);
        await eventually('the standby applied the rest', async () => versionsOf(applied).get('h1') === 10);
        const positions = applied.map((a) => a.position);
        expect(new Set(positions).size, 'nothing applied twice').to.equal(positions.length);
        expect(positions).to.deep.equal([...positions].sort((x, y) => x - y));
        expect(positionsOf(applied, standby)).to.have.length.at.least(5);
      } finally {
        await second.projection.stop();
        await Promise.all([first.nc.close(), second.nc.close()]);
      }
    });

    it('gathers events while it lingers, and writes them at once for a reader on either replica', async () => {
      const name = 'proj-linger';
      const [owner, standby] = replicaNames(name) as [string, string];
      const applied: Applied[] = [];
      const batches: number[] = [];
      const lingering = { lingerMs: 60_000, batches };
      const first = await startReplicaOf(name, owner, applied, lingering);
      const second = await startReplicaOf(name, standby, applied, lingering);
      try {
        // A new projection starts with the events earlier tests left on the stream.
        await eventually('the earlier events applied', async () => {
          await first.projection.settled();
          return (await ackPendingOf(name)) === 0;
        });
        applied.length = 0;
        batches.length = 0;

        await send('g1', 4);
        await eventually('4 events received', async () => (await ackPendingOf(name)) === 4);
        expect(applied, 'gathering, not written yet').to.deep.equal([]);
        await second.projection.settled(); // the standby asks the consuming replica
        expect(versionsOf(applied).get('g1'), 'written before settled() resolved').to.equal(4);
        expect(batches, 'in one write').to.deep.equal([4]);
        expect(positionsOf(applied, standby)).to.deep.equal([]);

        await send('g1', 3);
        await eventually('3 more received', async () => (await ackPendingOf(name)) === 3);
        await first.projection.settled();
        expect(versionsOf(applied).get('g1')).to.equal(7);
        expect(batches).to.deep.equal([4, 3]);
      } finally {
        await Promise.all([first.projection.stop(), second.projection.stop()]);
        await Promise.all([first.nc.close(), second.nc.close()]);
      }
    });

    /** Each actor's version as the events applied last set it: a read model without guards sees order. */
    const versionsOf = (applied: Applied[]) => new Map(applied.map((a) => [a.actorId, a.version]));
    const ackPendingOf = async (name: string) =>
      (await (await jetstreamManager(conn.nc)).consumers.info(streams.events('proj'), `proj-${name}`))
        .num_ack_pending;
  });

  it('upsertIfNewer ignores a replayed or older version', async () => {
    const docs = db.collection<Total>('proj_upserts');
    expect(await upsertIfNewer(docs, 'x', 2, { total: 5 })).to.equal(true);
    expect(await upsertIfNewer(docs, 'x', 1, { total: 1 })).to.equal(false);
    expect(await upsertIfNewer(docs, 'x', 2, { total: 9 })).to.equal(false);
    expect(await upsertIfNewer(docs, 'x', 3, { total: 7 })).to.equal(true);
    expect(await docs.findOne({ _id: 'x' })).to.deep.equal({ _id: 'x', total: 7, version: 3 });
  });
});
