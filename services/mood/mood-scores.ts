import type { NatsConnection } from '@nats-io/transport-node';
import type { Collection, Db } from 'mongodb';
import type { Emotion } from '../../models/mood/lexicon.js';
import type { Valence } from '../../models/mood/scoring.js';
import type { Language } from '../../models/mood/text.js';
import { bulkWriteInChunks, ignoreDuplicates } from '../actors/bulk.js';
import { consumeDurably, type Projection } from '../actors/projection.js';
import type { Logger } from '../kit/log.js';
import { isMoodEvent, type MoodAnalyzed, type MoodOrigin, type MoodRetracted } from './scorable.js';
import { ensureMoodStream, moodStream, moodSubjects } from './subjects.js';

/** A message's or entry's latest mood, as every read path shows it beside the text. */
export interface MoodScore {
  valence: Valence;
  /** −1 (very negative) … 1 (very positive). */
  valenceScore: number;
  /** The most probable of the emotions (or neutral). */
  emotion: Emotion | 'neutral';
  language: Language;
  /** name@version of the model that scored it. */
  model: string;
}

/** The score a MoodAnalyzed carries, in the shape read paths show. Pure. */
export function moodScoreOf(event: MoodAnalyzed): MoodScore {
  const [emotion] = Object.entries(event.emotions).reduce((best, e) => (e[1] > best[1] ? e : best));
  return {
    valence: event.valence,
    valenceScore: event.valenceScore,
    emotion: emotion as MoodScore['emotion'],
    language: event.language,
    model: event.model,
  };
}

/** The key of a scored item: one room message, or one diary entry. */
export const moodKeyOf = (origin: MoodOrigin): string =>
  origin.source === 'chat' ? messageMoodKey(origin.room, origin.seq) : entryMoodKey(origin.entry);
export const messageMoodKey = (room: string, seq: number) => `${room}#${seq}`;
export const entryMoodKey = (entry: string) => entry;

interface ScoreDoc {
  _id: string;
  /** When the scored text was written (an edit re-scores it later): older scores never replace newer. */
  at: number;
  /** Absent once the item is gone (MoodRetracted), so a redelivered older score cannot bring it back. */
  score?: MoodScore;
}

/**
 * The latest score of each item, kept apart from the items' own read model:
 * a score may be written before or after its message or entry, in any order,
 * and the read paths join the two by key.
 */
export class MoodScores {
  readonly #scores: Collection<ScoreDoc>;

  constructor(db: Db, collection: string) {
    this.#scores = db.collection(collection);
  }

  /** Idempotent: a score written at or after an event's time stays. */
  async record(events: (MoodAnalyzed | MoodRetracted)[]): Promise<void> {
    const ops = events.map((event) => {
      const _id = moodKeyOf(event);
      const update =
        event.type === 'MoodAnalyzed'
          ? { $set: { at: event.at, score: moodScoreOf(event) } }
          : { $set: { at: event.at }, $unset: { score: '' as const } };
      // A newer document keeps the filter from matching; the upsert then collides on _id and is dropped.
      return { updateOne: { filter: { _id, at: { $lte: event.at } }, update, upsert: true } };
    });
    // One by one in order: two events of one item in one batch must apply in stream order.
    for (const op of ops) await ignoreDuplicates(bulkWriteInChunks(this.#scores, [op]));
  }

  /** The scores of the given items that have one. */
  async of(keys: string[]): Promise<Map<string, MoodScore>> {
    if (keys.length === 0) return new Map();
    const docs = await this.#scores.find({ _id: { $in: keys } }).toArray();
    return new Map(docs.filter((d) => d.score).map((d) => [d._id, d.score!]));
  }
}

/**
 * Items with their latest mood score beside them (`moodScore`), where `shown`
 * says the reader sees their text: a deleted, hidden or blocked item keeps
 * its score to itself, since the score tells what the text said.
 */
export async function withMoodScores<T>(
  scores: MoodScores,
  items: T[],
  keyOf: (item: T) => string,
  shown: (item: T) => boolean,
): Promise<(T & { moodScore?: MoodScore })[]> {
  const found = await scores.of(items.filter(shown).map(keyOf));
  return items.map((item) => {
    const moodScore = shown(item) ? found.get(keyOf(item)) : undefined;
    return { ...item, ...(moodScore && { moodScore }) };
  });
}

/**
 * Keeps `scores` up to date from the mood service's events of one source
 * (chat messages or diary entries), as a durable projection of its own.
 */
export async function projectMoodScores(options: {
  nc: NatsConnection;
  name: string;
  source: MoodOrigin['source'];
  scores: MoodScores;
  log: Logger;
}): Promise<Projection> {
  await ensureMoodStream(options.nc);
  return consumeDurably<unknown>({
    nc: options.nc,
    name: options.name,
    stream: moodStream,
    filterSubject:
      options.source === 'chat' ? moodSubjects.analyzedInRoom('*') : moodSubjects.analyzedInDiary('*'),
    parkedSubject: `mood.parked.${options.name}`,
    log: options.log,
    async handleBatch(batch) {
      const events = batch.map((b) => b.event).filter(isMoodEvent);
      if (events.length < batch.length)
        options.log.warn('skipped malformed mood events', { count: batch.length - events.length });
      await options.scores.record(events.filter((e) => e.source === options.source));
    },
  });
}
