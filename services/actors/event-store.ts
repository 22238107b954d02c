import { Binary, type Collection, type Db } from 'mongodb';
import { promisify } from 'node:util';
import { constants, deflateRaw, inflateRaw } from 'node:zlib';
import type { CommandResult, DomainEvent } from './types.js';

/** An event as stored: the domain event plus where it belongs and what caused it. */
export interface StoredEvent {
  /** `<stream>#<version>`: deterministic, so re-publishing it de-duplicates in JetStream. */
  _id: string;
  /** `<actorType>/<actorId>`. */
  stream: string;
  actorType: string;
  actorId: string;
  version: number;
  partition: number;
  type: string;
  data: DomainEvent;
  commandId: string;
  /** The accepted command's reply, on the last event the command produced. */
  reply?: unknown;
  at: number;
}

export interface Snapshot {
  _id: string;
  version: number;
  state: unknown;
  /** Results of the newest commands, so retries stay idempotent across a snapshot (objects: FerretDB has no nested arrays). */
  recent: { commandId: string; result: CommandResult }[];
  at: number;
}

/**
 * A snapshot as stored: state and recent results as one JSON text, deflated.
 * FerretDB converts a document field by field, and a room's state has
 * thousands of fields: such a snapshot took ~100 ms to write and held every
 * append behind it, so it became one string; a room with 2,000 tracked
 * messages still made that string ~300 KB, which FerretDB escapes, stores and
 * on replacement reads back, all on its one Go thread. Deflated, it is a
 * tenth of that. Nothing queries inside a snapshot. Documents written before
 * (`body` as a string, or `state` and `recent` as fields) are still read.
 */
export interface StoredSnapshot {
  _id: string;
  version: number;
  at: number;
  packed?: Binary;
  body?: string;
  state?: unknown;
  recent?: Snapshot['recent'];
}

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/** Deflates in libuv's thread pool, off the event loop that runs the actors' turns. */
export async function toStoredSnapshot({
  _id,
  version,
  at,
  state,
  recent,
}: Snapshot): Promise<StoredSnapshot> {
  const packed = await deflate(JSON.stringify({ state, recent }), { level: constants.Z_BEST_SPEED });
  return { _id, version, at, packed: new Binary(packed) };
}

export async function fromStoredSnapshot(doc: StoredSnapshot): Promise<Snapshot> {
  const text = doc.packed ? (await inflate(doc.packed.buffer)).toString() : doc.body;
  const { state, recent } = text === undefined ? doc : (JSON.parse(text) as Partial<Snapshot>);
  return { _id: doc._id, version: doc.version, at: doc.at, state, recent: recent ?? [] };
}

export class ConcurrencyError extends Error {
  override name = 'ConcurrencyError';
  constructor(
    readonly stream: string,
    readonly expectedVersion: number,
  ) {
    super(`stream ${stream} moved past version ${expectedVersion}`);
  }
}

/** FerretDB on SQLite answers concurrent writers with SQLITE_BUSY; such errors pass if retried. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MongoNetworkError' || /SQLITE_BUSY|database is locked/.test(err.message);
}

export async function retryTransient<T>(work: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random())),
      );
    }
  }
}

export const streamName = (actorType: string, actorId: string) => `${actorType}/${actorId}`;
export const eventId = (stream: string, version: number) => `${stream}#${version}`;

/**
 * The database holding a platform's events: beside its main database, not in
 * it (ADR 0011). The events are the only record that cannot be rebuilt, and
 * on the test and dev store (FerretDB on SQLite, one writer per database)
 * appends on every send no longer wait behind read-model and snapshot writes.
 */
export const eventsDatabaseName = (mainDatabase: string) => `${mainDatabase}_events`;

/**
 * Events and snapshots in MongoDB: the events in their own database
 * (`eventsDatabaseName`), snapshots, which can be rebuilt from them, in the
 * main one beside the read models. Appends (GroupCommit) are optimistic: the unique
 * (stream, version) index and the deterministic _id refuse a second writer of
 * the same version. Uses only what MongoDB and FerretDB v1 both support (no
 * transactions), and no multi-document updates (see ADR 0002). Whether an
 * event reached JetStream is not recorded here: the JetStream event stream
 * itself answers it (see PartitionWorker's recovery on activation).
 */
export class EventStore {
  readonly events: Collection<StoredEvent>;
  readonly snapshots: Collection<StoredSnapshot>;

  /** `db` is the platform's main database; the events go to the one beside it. */
  constructor(db: Db) {
    this.events = db.client.db(eventsDatabaseName(db.databaseName)).collection<StoredEvent>('events');
    this.snapshots = db.collection<StoredSnapshot>('snapshots');
  }

  async ensureIndexes(): Promise<void> {
    await this.events.createIndex({ stream: 1, version: 1 }, { unique: true, name: 'stream_version' });
  }

  /** Events of one stream after `afterVersion`, in order (at most `limit` when given). */
  readStream(stream: string, afterVersion = 0, limit = 0): Promise<StoredEvent[]> {
    return retryTransient(() =>
      this.events
        .find({ stream, version: { $gt: afterVersion } })
        .sort({ version: 1 })
        .limit(limit)
        .toArray(),
    );
  }

  async loadSnapshot(stream: string): Promise<Snapshot | null> {
    const doc = await retryTransient(() => this.snapshots.findOne({ _id: stream }));
    return doc && (await fromStoredSnapshot(doc));
  }
}
