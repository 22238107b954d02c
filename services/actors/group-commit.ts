import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { ConcurrencyError, retryTransient, type EventStore, type StoredEvent } from './event-store.js';

interface Turn {
  events: StoredEvent[];
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Appends the events of many actors' turns in one insert (group commit). One
 * insert is in flight at a time; turns that arrive meanwhile go into the next.
 * Each turn's events are contiguous and in version order, and the insert is
 * ordered, so the first collision names the turn that lost a race: it fails
 * with ConcurrencyError, the turns before it are stored, the turns after it
 * go into the next insert. A single SQLite writer (FerretDB) then serves
 * thousands of actors without contending with itself.
 */
export class GroupCommit {
  #queue: Turn[] = [];
  #flushing = false;

  constructor(
    private readonly store: EventStore,
    private readonly maxEvents = 2000,
  ) {}

  append(events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#queue.push({ events, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#take();
        await this.#insert(batch);
      }
    } finally {
      this.#flushing = false;
    }
  }

  #take(): Turn[] {
    const batch: Turn[] = [];
    let size = 0;
    while (
      this.#queue.length > 0 &&
      (batch.length === 0 || size + this.#queue[0]!.events.length <= this.maxEvents)
    ) {
      const turn = this.#queue.shift()!;
      batch.push(turn);
      size += turn.events.length;
    }
    return batch;
  }

  async #insert(batch: Turn[]): Promise<void> {
    const docs = batch.flatMap((t) => t.events);
    try {
      await retryTransient(() => this.store.events.insertMany(docs, { ordered: true }));
      for (const turn of batch) turn.resolve();
      return;
    } catch (err) {
      const failedAt = firstFailedIndex(err);
      if (failedAt === undefined) {
        for (const turn of batch) turn.reject(err);
        return;
      }
      let offset = 0;
      const retry: Turn[] = [];
      for (const turn of batch) {
        const end = offset + turn.events.length;
        if (end <= failedAt) turn.resolve();
        else if (offset <= failedAt) turn.reject(asConflict(err, turn.events[0]!));
        else retry.push(turn);
        offset = end;
      }
      this.#queue.unshift(...retry);
    }
  }
}

function firstFailedIndex(err: unknown): number | undefined {
  if (err instanceof MongoBulkWriteError) {
    const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    return errors.length > 0 ? Math.min(...errors.map((e) => e.index)) : undefined;
  }
  if (err instanceof MongoServerError && err.code === 11000) return 0;
  return undefined;
}

function asConflict(err: unknown, first: StoredEvent): unknown {
  const code = (err as { code?: number }).code;
  const writeCode = err instanceof MongoBulkWriteError ? [err.writeErrors].flat()[0]?.code : undefined;
  return code === 11000 || writeCode === 11000 ? new ConcurrencyError(first.stream, first.version - 1) : err;
}
