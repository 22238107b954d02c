import type { Collection, Db } from 'mongodb';
import type { MoodAnalyzed, MoodRetracted } from '../mood/scorable.js';
import {
  bucketStarts,
  periods,
  summarize,
  sumsDelta,
  type MoodSummary,
  type Period,
  type ScoredItem,
  type Sums,
} from './aggregate.js';

// Where portraits live: every scored item (so a re-score replaces, and a
// redelivery changes nothing), per-period buckets for the timeline, and one
// document per user with the totals and interests.

interface ItemDoc extends ScoredItem {
  _id: string; // chat:<room>#<seq> or diary:<entry>
  user: string;
  at: number;
  room?: string;
  tags?: string[];
}

interface BucketDoc extends Sums {
  _id: string; // <user>|<period>|<start>
  user: string;
  period: Period;
  start: string;
}

interface PortraitDoc extends Sums {
  _id: string; // user
  /** Diary tags, by entries carrying them. */
  tags: Record<string, number>;
  /** Rooms the user wrote in: messages and their valence sum. */
  rooms: Record<string, { n: number; sum: number }>;
  updatedAt: number;
}

export interface Portrait {
  user: string;
  mood: MoodSummary;
  interests: {
    tags: { tag: string; entries: number }[];
    rooms: { room: string; messages: number; valenceMean: number }[];
  };
  updatedAt: number | null;
}

export interface TimelinePoint extends MoodSummary {
  start: string;
}

const topInterests = 20;

const itemIdOf = (event: MoodAnalyzed | MoodRetracted) =>
  event.source === 'chat' ? `chat:${event.room}#${event.seq}` : `diary:${event.entry}`;

/** $inc fields for adding sums under a prefix ('' for a document's own). */
function incrementsOf(delta: Sums, prefix = ''): Record<string, number> {
  const inc: Record<string, number> = {
    [`${prefix}n`]: delta.n,
    [`${prefix}sum`]: delta.sum,
    [`${prefix}sumSq`]: delta.sumSq,
  };
  for (const [emotion, value] of Object.entries(delta.emotions)) inc[`${prefix}emotions.${emotion}`] = value;
  return inc;
}

export class PortraitStore {
  readonly #items: Collection<ItemDoc>;
  readonly #buckets: Collection<BucketDoc>;
  readonly #portraits: Collection<PortraitDoc>;
  /** Deleted accounts (their ids only): scores still in flight for them are dropped. */
  readonly #erased: Collection<{ _id: string; at: number }>;

  constructor(db: Db) {
    this.#items = db.collection('portrait_items');
    this.#buckets = db.collection('portrait_buckets');
    this.#portraits = db.collection('portraits');
    this.#erased = db.collection('portrait_erased');
  }

  /** Everything of a user's portrait goes, and later scores for them are ignored (account deletion). */
  async forget(user: string): Promise<void> {
    await this.#erased.updateOne({ _id: user }, { $set: { at: Date.now() } }, { upsert: true });
    await Promise.all([
      this.#items.deleteMany({ user }),
      this.#buckets.deleteMany({ user }),
      this.#portraits.deleteOne({ _id: user }),
    ]);
  }

  async ensureIndexes(): Promise<void> {
    await this.#buckets.createIndex({ user: 1, period: 1, start: 1 }, { name: 'user_period_start' });
  }

  /**
   * Folds one MoodAnalyzed into the user's portrait. The item's previous
   * score is replaced, not added to; the same score again changes nothing.
   * Answers the user whose portrait changed, if any.
   */
  async apply(event: MoodAnalyzed): Promise<string | undefined> {
    if (await this.#erased.findOne({ _id: event.author })) return undefined;
    const id = itemIdOf(event);
    const previous = await this.#items.findOne({ _id: id });
    const next: ScoredItem = { valenceScore: event.valenceScore, emotions: event.emotions };
    const tags = event.source === 'diary' ? (event.tags ?? previous?.tags) : undefined;
    if (
      previous &&
      previous.valenceScore === next.valenceScore &&
      JSON.stringify(previous.emotions) === JSON.stringify(next.emotions) &&
      JSON.stringify(previous.tags) === JSON.stringify(tags)
    )
      return undefined;
    const item: ItemDoc = {
      _id: id,
      user: event.author,
      at: previous?.at ?? event.at, // an edit stays where the item was first written
      ...next,
      ...(event.source === 'chat' ? { room: event.room } : {}),
      ...(tags ? { tags } : {}),
    };
    await this.#fold(item, sumsDelta(previous ?? undefined, next), previous?.tags ?? []);
    await this.#items.replaceOne({ _id: id }, item, { upsert: true });
    return item.user;
  }

  /** Takes a deleted item's score out of its author's portrait; answers that user, if it was there. */
  async retract(event: MoodRetracted): Promise<string | undefined> {
    const id = itemIdOf(event);
    const previous = await this.#items.findOne({ _id: id });
    if (!previous) return undefined;
    const removed: Sums = {
      n: -1,
      sum: -previous.valenceScore,
      sumSq: -(previous.valenceScore ** 2),
      emotions: Object.fromEntries(Object.entries(previous.emotions).map(([k, v]) => [k, -v])),
    };
    await this.#fold({ ...previous, tags: [] }, removed, previous.tags ?? []);
    await this.#items.deleteOne({ _id: id });
    return previous.user;
  }

  /** Adds `delta` to the item's buckets and its user's portrait, moving tag counts from `oldTags` to its tags. */
  async #fold(item: ItemDoc, delta: Sums, oldTags: string[]): Promise<void> {
    const { user } = item;
    const inc = incrementsOf(delta);
    for (const tag of oldTags) inc[`tags.${tag}`] = (inc[`tags.${tag}`] ?? 0) - 1;
    for (const tag of item.tags ?? []) inc[`tags.${tag}`] = (inc[`tags.${tag}`] ?? 0) + 1;
    if (item.room)
      Object.assign(inc, { [`rooms.${item.room}.n`]: delta.n, [`rooms.${item.room}.sum`]: delta.sum });
    const starts = bucketStarts(item.at);
    for (const period of periods) {
      const start = starts[period];
      await this.#buckets.updateOne(
        { _id: `${user}|${period}|${start}` },
        { $inc: incrementsOf(delta), $set: { user, period, start } },
        { upsert: true },
      );
    }
    await this.#portraits.updateOne(
      { _id: user },
      { $inc: inc, $set: { updatedAt: Date.now() } },
      { upsert: true },
    );
  }

  async portrait(user: string): Promise<Portrait> {
    const doc = await this.#portraits.findOne({ _id: user });
    return portraitOf(user, doc);
  }

  async portraits(users: string[]): Promise<Portrait[]> {
    const docs = await this.#portraits.find({ _id: { $in: users } }).toArray();
    return docs.map((doc) => portraitOf(doc._id, doc));
  }

  async timeline(user: string, period: Period, from?: string, to?: string): Promise<TimelinePoint[]> {
    const start = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
    const docs = await this.#buckets
      .find({ user, period, ...(from || to ? { start } : {}) })
      .sort({ start: 1 })
      .limit(400)
      .toArray();
    return docs.filter((d) => d.n > 0).map((d) => ({ start: d.start, ...summarize(d) }));
  }
}

function portraitOf(user: string, doc: PortraitDoc | null): Portrait {
  const tags = Object.entries(doc?.tags ?? {})
    .filter(([, entries]) => entries > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, topInterests)
    .map(([tag, entries]) => ({ tag, entries }));
  const rooms = Object.entries(doc?.rooms ?? {})
    .filter(([, r]) => r.n > 0)
    .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
    .slice(0, topInterests)
    .map(([room, r]) => ({ room, messages: r.n, valenceMean: Math.round((r.sum / r.n) * 1000) / 1000 }));
  return {
    user,
    mood: summarize(doc ?? undefined),
    interests: { tags, rooms },
    updatedAt: doc?.updatedAt ?? null,
  };
}
