import { MongoClient } from 'mongodb';
import { eventsDatabaseName } from '../../services/actors/event-store.js';
import { insertCeiling } from '../insert-ceiling.js';
import { shape } from './workload.js';

/**
 * The most messages per second the store alone takes on this machine, for
 * what MetaChat must store of each message — its event (ADR 0002) and its
 * history row (the read model) — in batches of 200, with nothing else
 * running. Every durable design on this store pays at least this much CPU
 * per message, before any JetStream, service or socket work.
 */
export async function chatStoreCeiling(
  mongoUrl: string,
): Promise<{ messagesPerSecond: number; cpuMsPerMessage: number }> {
  const mongo = await new MongoClient(mongoUrl).connect();
  try {
    const db = mongo.db(`bench_ceiling_${Date.now().toString(36)}`);
    const room = (n: number) => `r_bench${String(n % shape.rooms).padStart(16, '0')}`;
    const seq = (n: number) => Math.floor(n / shape.rooms) + 1;
    const author = (n: number) => `u_bench${String(n % 50).padStart(9, '0')}`;
    const text = (n: number) => `c${n % 50}-m${Math.floor(n / 50)}`;
    const event = (n: number) => ({
      _id: `room/${room(n)}#${seq(n)}`,
      stream: `room/${room(n)}`,
      actorType: 'room',
      actorId: room(n),
      version: seq(n),
      partition: n % 8,
      type: 'MessageSent',
      data: { type: 'MessageSent', author: author(n), text: text(n), n: seq(n), clientId: `bench-${n}` },
      commandId: `${author(n)}:bench-${n}`,
      reply: { seq: seq(n) },
      at: Date.now(),
    });
    const row = (n: number) => ({
      _id: `${room(n)}#${seq(n)}`,
      room: room(n),
      seq: seq(n),
      author: author(n),
      text: text(n),
      at: Date.now(),
      n: seq(n),
      deleted: false,
      reactions: [],
    });
    // Each where MetaChat keeps it: the events in their own database (ADR 0011).
    const eventsDb = mongo.db(eventsDatabaseName(db.databaseName));
    const stats = await insertCeiling(
      [
        { collection: eventsDb.collection('events'), index: { stream: 1, version: 1 }, doc: event },
        { collection: db.collection('chat_messages'), index: { room: 1, seq: -1 }, doc: row },
      ],
      20_000,
      200,
    );
    await Promise.all([db.dropDatabase(), eventsDb.dropDatabase()]);
    return { messagesPerSecond: stats.perSecond, cpuMsPerMessage: stats.cpuMsPerItem };
  } finally {
    await mongo.close();
  }
}
