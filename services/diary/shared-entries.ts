import type { Collection, Db } from 'mongodb';
import { ApiError } from '../kit/api-error.js';
import type { EntryDoc } from './read-model.js';

// Entries their authors chose to share: anyone signed in can read one (without
// its author) and mark it helpful, once per person. The marks are what the
// matching service recommends from: entries people like you found helpful.

interface HelpfulDoc {
  /** `${entry}#${by}`: one mark per person and entry, so a repeated mark changes nothing. */
  _id: string;
  entry: string;
  author: string;
  by: string;
  at: number;
}

/** A shared entry as others see it: no author. */
export interface SharedEntry {
  id: string;
  title: string;
  text: string;
  tags: string[];
  at: number;
  helpful: number;
  /** Whether the reader marked it helpful. */
  markedByMe: boolean;
}

/** Entries some people found helpful, with who: the raw material of a recommendation. */
export interface FoundHelpful {
  entry: string;
  title: string;
  tags: string[];
  by: string[];
}

/** The answer for an entry that is not shared (or not there): the same whether it is private or missing. */
export const notShared = () => new ApiError('not_found', 404, 'no such shared entry');

export class SharedEntries {
  readonly #marks: Collection<HelpfulDoc>;

  constructor(
    db: Db,
    private readonly entries: Collection<EntryDoc>,
  ) {
    this.#marks = db.collection('diary_helpful');
  }

  async ensureIndexes(): Promise<void> {
    await this.#marks.createIndex({ by: 1 }, { name: 'by' });
    await this.#marks.createIndex({ entry: 1 }, { name: 'entry' });
  }

  async #sharedEntry(entry: string): Promise<EntryDoc> {
    const doc = await this.entries.findOne({ _id: entry, shared: true, deleted: false });
    if (!doc) throw notShared();
    return doc;
  }

  async read(reader: string, entry: string): Promise<SharedEntry> {
    const doc = await this.#sharedEntry(entry);
    const [helpful, mine] = await Promise.all([
      this.#marks.countDocuments({ entry }),
      this.#marks.countDocuments({ _id: `${entry}#${reader}` }),
    ]);
    const { title, text, tags, at } = doc;
    return { id: entry, title, text, tags, at, helpful, markedByMe: mine > 0 };
  }

  /** Marks (or unmarks) an entry helpful; authors cannot mark their own. Answers the count. */
  async mark(by: string, entry: string, helpful: boolean): Promise<{ helpful: number }> {
    const doc = await this.#sharedEntry(entry);
    if (doc.user === by) throw new ApiError('own_entry', 409, 'you cannot mark your own entry helpful');
    const _id = `${entry}#${by}`;
    if (helpful)
      await this.#marks.updateOne(
        { _id },
        { $setOnInsert: { entry, author: doc.user, by, at: Date.now() } },
        { upsert: true },
      );
    else await this.#marks.deleteOne({ _id });
    return { helpful: await this.#marks.countDocuments({ entry }) };
  }

  /**
   * Entries `people` marked helpful that are still shared, not written by
   * `reader` and not marked by them yet.
   */
  async foundHelpfulBy(people: string[], reader: string): Promise<FoundHelpful[]> {
    if (people.length === 0) return [];
    const marks = await this.#marks.find({ by: { $in: people }, author: { $ne: reader } }).toArray();
    const entryIds = [...new Set(marks.map((m) => m.entry))];
    const [live, mine] = await Promise.all([
      this.entries.find({ _id: { $in: entryIds }, shared: true, deleted: false }).toArray(),
      this.#marks.find({ by: reader, entry: { $in: entryIds } }).toArray(),
    ]);
    const seen = new Set(mine.map((m) => m.entry));
    const markers = new Map<string, string[]>();
    for (const { entry, by } of marks) {
      const markedBy = markers.get(entry);
      if (markedBy) markedBy.push(by);
      else markers.set(entry, [by]);
    }
    return live
      .filter((doc) => !seen.has(doc._id))
      .map((doc) => ({ entry: doc._id, title: doc.title, tags: doc.tags, by: markers.get(doc._id)! }));
  }

  /** The marks a user made (their data export). */
  async marksBy(user: string): Promise<{ entry: string; at: number }[]> {
    const marks = await this.#marks.find({ by: user }).sort({ at: 1 }).toArray();
    return marks.map(({ entry, at }) => ({ entry, at }));
  }

  /** A deleted account: the marks it made and the marks on its entries. */
  async forget(user: string): Promise<void> {
    await this.#marks.deleteMany({ $or: [{ by: user }, { author: user }] });
  }
}
