import type { Collection, Db, Filter } from 'mongodb';
import type { PublishedEvent } from '../actors/envelope.js';
import { upsertIfNewer } from '../actors/projection.js';
import { wordsFilter } from '../kit/text-search.js';
import type { DiaryEvent, EntryContent } from './diary-model.js';
import { SharedEntries } from './shared-entries.js';

// The diary read model: entries to list and search, kept from diary events.
// Deleted entries stay as tombstones, so a replayed older event cannot bring
// one back; every write is conditional on the event's version.

export interface EntryDoc extends EntryContent {
  _id: string;
  user: string;
  at: number;
  editedAt?: number;
  deleted: boolean;
  version: number;
}

export type Entry = Omit<EntryDoc, '_id' | 'deleted' | 'version'> & { id: string };

export interface EntryQuery {
  user: string;
  /** Written at or after / before (ms since epoch). */
  from?: number;
  to?: number;
  tag?: string;
  /** Words the title or text contain (case-insensitive, each literally). */
  text?: string;
  limit: number;
}

export class DiaryReadModel {
  readonly entries: Collection<EntryDoc>;
  readonly shared: SharedEntries;

  constructor(db: Db) {
    this.entries = db.collection('diary_entries');
    this.shared = new SharedEntries(db, this.entries);
  }

  async ensureIndexes(): Promise<void> {
    await this.entries.createIndex({ user: 1, at: -1 }, { name: 'user_at' });
    await this.shared.ensureIndexes();
  }

  async applyBatch(published: PublishedEvent[]): Promise<void> {
    for (const { actorId: user, version, data } of published) {
      const event = data as unknown as DiaryEvent;
      const { type: _, entry, at, ...fields } = event;
      const newer = { _id: entry, version: { $lt: version } } as Filter<EntryDoc>;
      if (event.type === 'EntryWritten')
        await upsertIfNewer(this.entries, entry, version, { ...fields, user, at, deleted: false });
      else if (event.type === 'EntryEdited')
        await this.entries.updateOne(newer, { $set: { ...fields, editedAt: at, version } });
      else await this.entries.updateOne(newer, { $set: { deleted: true, version } });
    }
  }

  /** Every live entry of a user, oldest first (their data export). */
  async all(user: string): Promise<Entry[]> {
    const docs = await this.entries.find({ user, deleted: false }).sort({ at: 1 }).toArray();
    return docs.map(toEntry);
  }

  /** Deleted entries keep their fields as tombstones; account deletion removes them all, and every helpful mark by or on the user. */
  async forget(user: string): Promise<void> {
    await this.entries.deleteMany({ user });
    await this.shared.forget(user);
  }

  async list(query: EntryQuery): Promise<Entry[]> {
    const filter: Filter<EntryDoc> = { user: query.user, deleted: false };
    if (query.from !== undefined || query.to !== undefined)
      filter.at = {
        ...(query.from !== undefined ? { $gte: query.from } : {}),
        ...(query.to !== undefined ? { $lt: query.to } : {}),
      };
    if (query.tag) filter.tags = query.tag;
    const words = query.text ? wordsFilter(query.text, ['title', 'text']) : undefined;
    if (words) Object.assign(filter, words);
    const docs = await this.entries.find(filter).sort({ at: -1 }).limit(query.limit).toArray();
    return docs.map(toEntry);
  }
}

const toEntry = ({ _id, deleted: _, version: __, ...entry }: EntryDoc): Entry => ({ id: _id, ...entry });
