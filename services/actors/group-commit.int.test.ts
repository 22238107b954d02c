import { expect } from 'chai';
import type { MongoClient } from 'mongodb';
import { server } from '../../e2e/testenv/root-hooks.js';
import {
  ConcurrencyError,
  EventStore,
  eventId,
  eventsDatabaseName,
  type StoredEvent,
} from './event-store.js';
import { GroupCommit } from './group-commit.js';
import { freshDb } from './testdata/harness.js';

const event = (stream: string, version: number, commandId = `${stream}-${version}`): StoredEvent => ({
  _id: eventId(stream, version),
  stream,
  actorType: 't',
  actorId: stream,
  version,
  partition: 0,
  type: 'Added',
  data: { type: 'Added', amount: 1 },
  commandId,
  at: 0,
});

describe('group commit (real FerretDB)', () => {
  let mongo: MongoClient;
  let store: EventStore;
  let mainDb: string;
  before(async () => {
    const fresh = await freshDb(server('mongo').url, 'groupcommit');
    mongo = fresh.mongo;
    mainDb = fresh.db.databaseName;
    store = new EventStore(fresh.db);
    await store.ensureIndexes();
  });
  after(() => mongo?.close());

  it('stores many turns in one insert; a collision fails only its own turn, those after it still land', async () => {
    await store.events.insertOne(event('b', 1, 'someone-else'));
    const commit = new GroupCommit(store);
    const outcomes = await Promise.allSettled([
      commit.append([event('a', 1), event('a', 2)]),
      commit.append([event('b', 1), event('b', 2)]), // b#1 exists: this turn lost a race
      commit.append([event('c', 1)]),
      commit.append([event('a', 3)]),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).to.be.instanceOf(ConcurrencyError);
    expect((await store.readStream('a')).map((e) => e.version)).to.deep.equal([1, 2, 3]);
    expect((await store.readStream('b')).map((e) => e.commandId)).to.deep.equal(['someone-else']);
    expect((await store.readStream('c')).map((e) => e.version)).to.deep.equal([1]);
  });

  it('keeps the events in the database beside the main one, and snapshots in the main one (ADR 0011)', async () => {
    await new GroupCommit(store).append([event('d', 1), event('d', 2)]);
    const eventsDb = mongo.db(eventsDatabaseName(mainDb));
    expect(await eventsDb.collection('events').countDocuments({ stream: 'd' })).to.equal(2);
    const mainCollections = (await mongo.db(mainDb).listCollections().toArray()).map((c) => c.name);
    expect(mainCollections).not.to.include('events');
    expect(store.snapshots.dbName).to.equal(mainDb);
  });
});
