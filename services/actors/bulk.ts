import {
  MongoBulkWriteError,
  MongoServerError,
  type AnyBulkWriteOperation,
  type BulkWriteOptions,
  type Collection,
  type Document,
} from 'mongodb';

/**
 * The most updates per bulk write. FerretDB (SQLite) scans for every update
 * and holds its single write lock for a whole bulk write, so a large bulk
 * kept other writers (the actors' event appends) waiting past SQLite's busy
 * timeout once collections grew: measured, the chat service stalled at about
 * 1,000 rooms with 500-update bulks; with 16 it creates 2,000 rooms and more.
 */
export const bulkChunk = 16;

/** A bulk write in chunks of `bulkChunk`, in order. */
export async function bulkWriteInChunks<T extends Document>(
  collection: Collection<T>,
  ops: AnyBulkWriteOperation<T>[],
  options: BulkWriteOptions = { ordered: true },
): Promise<void> {
  for (let i = 0; i < ops.length; i += bulkChunk) {
    await collection.bulkWrite(ops.slice(i, i + bulkChunk), options);
  }
}

/**
 * A write of which some documents existed already (a replay, or an upsert
 * that a newer document kept from matching): the rest are in.
 */
export async function ignoreDuplicates(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    const writeErrors = err instanceof MongoBulkWriteError ? [err.writeErrors].flat() : undefined;
    if (writeErrors && writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000)) return;
    if (err instanceof MongoServerError && err.code === 11000) return;
    throw err;
  }
}
