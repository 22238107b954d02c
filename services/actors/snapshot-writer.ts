import type { Logger } from '../kit/log.js';
import { bulkChunk } from './bulk.js';
import { retryTransient, toStoredSnapshot, type EventStore, type Snapshot } from './event-store.js';

/**
 * Writes snapshots in bulk, one write in flight at a time; a newer snapshot
 * of the same stream replaces a queued older one. Snapshots are an
 * optimisation (activation is correct without them), so a failed write is
 * logged and dropped.
 */
export class SnapshotWriter {
  readonly #queued = new Map<string, Snapshot>();
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly log: Logger,
    private readonly maxBatch = bulkChunk, // see bulk.ts: a large bulk starves other writers
  ) {}

  save(snapshot: Snapshot): void {
    const queued = this.#queued.get(snapshot._id);
    if (!queued || queued.version < snapshot.version) this.#queued.set(snapshot._id, snapshot);
    this.#flushing ??= this.#flush().finally(() => (this.#flushing = undefined));
  }

  /** Resolves once everything queued so far is written (or dropped after an error). */
  async flushed(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    while (this.#queued.size > 0) {
      const batch = [...this.#queued.values()].slice(0, this.maxBatch);
      for (const s of batch) this.#queued.delete(s._id);
      try {
        const stored = await Promise.all(batch.map(toStoredSnapshot));
        await retryTransient(() =>
          this.store.snapshots.bulkWrite(
            stored.map(({ _id, ...fields }) => ({
              replaceOne: { filter: { _id }, replacement: fields, upsert: true },
            })),
            { ordered: false },
          ),
        );
      } catch (err) {
        this.log.warn('snapshot write failed', { snapshots: batch.length, error: err });
      }
    }
  }
}
