import { expect } from 'chai';
import { sendDigest } from './send-digest.js';
import type { Db, MongoClient } from 'mongodb';
import { fileURLToPath } from 'node:url';
import { server } from '../../e2e/testenv/root-hooks.js';
import { startServiceProcess, type ServiceProcess } from '../../e2e/testenv/service-process.js';
import type { ActorClient } from '../actors/client.js';
import { connectClient, freshDb } from '../actors/testdata/harness.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { ChatReadModel } from './read-model.js';
import { eventually } from '../../e2e/testenv/eventually.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('chat service (a real process on real NATS and FerretDB)', function () {
  this.timeout(60_000);
  let db: Db;
  let mongo: MongoClient;
  let chat: ServiceProcess;
  let client: ActorClient;
  let nc: NatsConnection;
  let readModel: ChatReadModel;

  before(async () => {
    ({ db, mongo } = await freshDb(server('mongo').url, 'chat'));
    chat = await startServiceProcess(entry, {
      NATS_URL: server('nats').url,
      MONGO_URL: server('mongo').url,
      MONGO_DB: db.databaseName,
      ACTOR_PARTITIONS: '8',
    });
    await chat.waitForLog((l) => l.message === 'service started');
    ({ client, nc } = await connectClient(server('nats').url, 8));
    readModel = new ChatReadModel(db);
  });
  after(async () => {
    await chat?.stop();
    await nc?.close();
    await mongo?.close();
  });

  const send = (room: string, command: object, commandId?: string) =>
    client.send('room', room, command, commandId ? { commandId } : {});

  it('runs a room: members post, edit, react and delete; outsiders are refused', async () => {
    expect(
      await send('r1', { type: 'create', by: 'ann', kind: 'group', name: 'Book club', visibility: 'public' }),
    ).to.deep.include({ status: 'accepted', version: 2 });
    expect(await send('r1', { type: 'join', by: 'bob' })).to.deep.include({ status: 'accepted', version: 3 });
    for (let i = 1; i <= 10; i++) {
      const result = await send(
        'r1',
        { type: 'send', by: i % 2 ? 'ann' : 'bob', text: `message ${i}` },
        `ann-msg-${i}`,
      );
      const reply = { seq: 3 + i, digest: sendDigest(`message ${i}`) };
      expect(result).to.deep.equal({ status: 'accepted', version: 3 + i, reply });
    }
    // A retried send (same client id) is stored once and answered with its first sequence.
    expect(await send('r1', { type: 'send', by: 'ann', text: 'message 1' }, 'ann-msg-1')).to.deep.include({
      version: 4,
    });
    expect(await send('r1', { type: 'send', by: 'eve', text: 'let me in' })).to.deep.include({
      status: 'rejected',
      code: 'forbidden',
    });
    await send('r1', { type: 'edit', by: 'ann', seq: 4, text: 'message 1 (edited)' });
    await send('r1', { type: 'react', by: 'bob', seq: 4, emoji: '🎉' });
    await send('r1', { type: 'delete', by: 'ann', seq: 5 }); // an owner deletes bob's message

    const newest = await eventually('the read model to catch up', async () => {
      const page = await readModel.history('r1', { limit: 5 });
      return page[0]?.seq === 13 && page;
    });
    expect(newest.map((m) => m.seq)).to.deep.equal([13, 12, 11, 10, 9]);
    const older = await readModel.history('r1', { before: 9, limit: 10 });
    expect(older.map((m) => m.seq)).to.deep.equal([8, 7, 6, 5, 4]);
    const first = older.at(-1)!;
    await eventually('edit, reaction and deletion to be projected', async () => {
      const [m4, m5] = await readModel.history('r1', { after: 3, limit: 2 });
      return m4?.editedAt && m5?.deleted && Object.keys(m4.reactions).length > 0;
    });
    const [m4, m5] = await readModel.history('r1', { after: 3, limit: 2 });
    expect(m4).to.deep.include({
      seq: 4,
      author: 'ann',
      text: 'message 1 (edited)',
      reactions: { '🎉': ['bob'] },
    });
    expect(m5).to.deep.include({ seq: 5, deleted: true, text: '' });
    expect(first.seq).to.equal(4);
    expect(await db.collection('chat_messages').countDocuments({ room: 'r1' })).to.equal(10);
  });

  it('lists a user’s rooms by last activity', async () => {
    await send('r2', { type: 'create', by: 'ann', kind: 'direct', peer: 'cat' });
    await send('r2', { type: 'send', by: 'cat', text: 'newer than the book club' });
    const rooms = await eventually('both rooms in the list', async () => {
      const list = await readModel.roomsOf('ann');
      return list.length === 2 && list[0]!.lastSeq === 4 && list;
    });
    expect(rooms.map((r) => [r._id, r.kind, r.role])).to.deep.equal([
      ['r2', 'direct', 'member'],
      ['r1', 'group', 'owner'],
    ]);
    expect(await readModel.roomsOf('eve')).to.deep.equal([]);
  });
});
