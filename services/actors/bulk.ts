import type { AnyBulkWriteOperation, BulkWriteOptions, Collection, Document } from 'mongodb';

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
