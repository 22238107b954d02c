import { expect } from 'chai';
import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { server } from '../testenv/root-hooks.js';

interface Message {
  room: string;
  seq: number;
  text: string;
}

describe('test environment: FerretDB (MongoDB wire protocol)', () => {
  let client: MongoClient;
  let messages: Collection<Message>;

  before(async () => {
    client = await MongoClient.connect(server('mongo').url);
    messages = client.db('testenv').collection<Message>('messages');
    await messages.createIndex({ room: 1, seq: 1 }, { unique: true });
  });
  after(() => client?.close());

  it('is FerretDB speaking the MongoDB protocol', async () => {
    const info = await client.db('admin').command({ buildInfo: 1 });
    expect(info.ok).to.equal(1);
    expect(JSON.stringify(info).toLowerCase()).to.contain('ferretdb');
  });

  it('inserts, finds with a filter, sorts and limits', async () => {
    await messages.insertMany([
      { room: 'r1', seq: 2, text: 'second' },
      { room: 'r1', seq: 1, text: 'first' },
      { room: 'r1', seq: 3, text: 'third' },
      { room: 'r2', seq: 1, text: 'elsewhere' },
    ]);
    const page = await messages
      .find({ room: 'r1', seq: { $lt: 3 } }, { projection: { _id: 0 } })
      .sort({ seq: -1 })
      .limit(5)
      .toArray();
    expect(page).to.deep.equal([
      { room: 'r1', seq: 2, text: 'second' },
      { room: 'r1', seq: 1, text: 'first' },
    ]);
  });

  it('refuses a duplicate key on a unique index with code 11000', async () => {
    let error: unknown;
    try {
      await messages.insertOne({ room: 'r1', seq: 1, text: 'again' });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(MongoServerError);
    expect((error as MongoServerError).code).to.equal(11000);
    expect(await messages.countDocuments({ room: 'r1', seq: 1 })).to.equal(1);
  });
});
