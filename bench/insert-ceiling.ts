import type { Collection, Document, IndexSpecification } from 'mongodb';
import { machineBusyMs } from './machine-cpu.js';
import { summarise, type RunStats } from './stats.js';

/** A collection the ceiling writes (in the database the platform keeps it in): its unique index and the n-th document. */
export interface CeilingCollection {
  collection: Collection;
  index: IndexSpecification;
  doc(n: number): Document;
}

/**
 * The store's ceiling: `total` items, each one document in every given
 * collection, inserted into FerretDB as fast as it takes them — batches of
 * `batch`, one insert at a time per collection (as group commit does), the
 * collections written concurrently — with nothing else to do. Latencies are
 * per batch, counted once per item; CPU is the whole machine's per item.
 */
export async function insertCeiling(
  collections: CeilingCollection[],
  total: number,
  batch: number,
): Promise<RunStats & { cpuMsPerItem: number }> {
  for (const c of collections) await c.collection.createIndex(c.index, { unique: true });
  const latencies: number[] = [];
  const busyAtStart = machineBusyMs();
  const started = performance.now();
  for (let n = 0; n < total; n += batch) {
    const t = performance.now();
    await Promise.all(
      collections.map((c) => c.collection.insertMany(Array.from({ length: batch }, (_, i) => c.doc(n + i)))),
    );
    latencies.push(...Array.from({ length: batch }, () => performance.now() - t));
  }
  const stats = summarise(latencies, (performance.now() - started) / 1000);
  return { ...stats, cpuMsPerItem: (machineBusyMs() - busyAtStart) / total };
}
