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
import { eventually } from '../../e2e/testenv/eventually.js';

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

  it('upsertIfNewer ignores a replayed or older version', async () => {
    const docs = db.collection<Total>('proj_upserts');
    expect(await upsertIfNewer(docs, 'x', 2, { total: 5 })).to.equal(true);
    expect(await upsertIfNewer(docs, 'x', 1, { total: 1 })).to.equal(false);
    expect(await upsertIfNewer(docs, 'x', 2, { total: 9 })).to.equal(false);
    expect(await upsertIfNewer(docs, 'x', 3, { total: 7 })).to.equal(true);
    expect(await docs.findOne({ _id: 'x' })).to.deep.equal({ _id: 'x', total: 7, version: 3 });
  });
});
