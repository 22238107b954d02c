import type { PublishedEvent } from '../actors/envelope.js';
import type { MoodResult } from '../../models/mood/scoring.js';
import { moodSubjects } from './subjects.js';

// What the mood service scores, from the events of the actors that hold text:
// new and edited chat messages and diary entries. Pure.

/** Where a scored text came from, as MoodAnalyzed carries it. */
export type MoodOrigin =
  | { source: 'chat'; room: string; seq: number }
  /** tags: the entry's tags when the event gives them (written, or edited tags). */
  | { source: 'diary'; entry: string; tags?: string[] };

export type MoodAnalyzed = {
  type: 'MoodAnalyzed';
  author: string;
  at: number;
  /** name@version of the model that scored it, and its digest. */
  model: string;
  digest: string;
} & MoodOrigin &
  MoodResult;

/** A scored item is gone (a deleted message or entry): portraits take its score out. */
export type MoodRetracted = { type: 'MoodRetracted'; at: number } & MoodOrigin;

export interface Retraction {
  event: MoodRetracted;
  subject: string;
  msgId: string;
}

export interface Scorable {
  text: string;
  author: string;
  at: number;
  origin: MoodOrigin;
  /** Stable per item (a message, an entry): picks the canary share. */
  key: string;
  subject: string;
  /** Nats-Msg-Id: per item and version, so a replay publishes nothing twice. */
  msgId: string;
}

interface TextEvent {
  type: string;
  author?: string;
  by?: string;
  text?: string;
  target?: number;
  entry?: string;
  tags?: string[];
  at: number;
}

/** Sent and edited messages of room events. */
export function scorableOfRoomEvent({ actorId: room, version, data }: PublishedEvent): Scorable[] {
  const e = data as unknown as TextEvent;
  const sent = e.type === 'MessageSent';
  if ((!sent && e.type !== 'MessageEdited') || typeof e.text !== 'string') return [];
  const seq = sent ? version : e.target!;
  return [
    {
      text: e.text,
      author: (sent ? e.author : e.by)!,
      at: e.at,
      origin: { source: 'chat', room, seq },
      key: `${room}-${seq}`,
      subject: moodSubjects.analyzedInRoom(room),
      msgId: `${room}-${version}`,
    },
  ];
}

/** Deleted messages of room events. */
export function retractionOfRoomEvent({ actorId: room, version, data }: PublishedEvent): Retraction[] {
  const e = data as unknown as TextEvent;
  if (e.type !== 'MessageDeleted' || typeof e.target !== 'number') return [];
  return [
    {
      event: { type: 'MoodRetracted', at: e.at, source: 'chat', room, seq: e.target },
      subject: moodSubjects.analyzedInRoom(room),
      msgId: `${room}-${version}`,
    },
  ];
}

/** Deleted entries of diary events. */
export function retractionOfDiaryEvent({ actorId: user, version, data }: PublishedEvent): Retraction[] {
  const e = data as unknown as TextEvent;
  if (e.type !== 'EntryDeleted' || typeof e.entry !== 'string') return [];
  return [
    {
      event: { type: 'MoodRetracted', at: e.at, source: 'diary', entry: e.entry },
      subject: moodSubjects.analyzedInDiary(user),
      msgId: `diary-${user}-${version}`,
    },
  ];
}

/** Written entries, and edited ones whose text changed, of diary events (the diary's id is its user). */
export function scorableOfDiaryEvent({ actorId: user, version, data }: PublishedEvent): Scorable[] {
  const e = data as unknown as TextEvent;
  if ((e.type !== 'EntryWritten' && e.type !== 'EntryEdited') || typeof e.text !== 'string') return [];
  return [
    {
      text: e.text,
      author: user,
      at: e.at,
      origin: { source: 'diary', entry: e.entry!, ...(Array.isArray(e.tags) ? { tags: e.tags } : {}) },
      key: e.entry!,
      subject: moodSubjects.analyzedInDiary(user),
      msgId: `diary-${user}-${version}`,
    },
  ];
}

/** Whether a value read from the stream is a MoodAnalyzed or MoodRetracted this code can use. */
export function isMoodEvent(value: unknown): value is MoodAnalyzed | MoodRetracted {
  const e = value as Partial<MoodAnalyzed & { room: unknown; seq: unknown; entry: unknown }> | null;
  if (!e || typeof e.at !== 'number') return false;
  const origin =
    e.source === 'chat'
      ? typeof e.room === 'string' && typeof e.seq === 'number'
      : e.source === 'diary' && typeof e.entry === 'string';
  if (!origin) return false;
  if ((e.type as string) === 'MoodRetracted') return true;
  if (e.type !== 'MoodAnalyzed' || typeof e.author !== 'string') return false;
  if (typeof e.valenceScore !== 'number' || typeof e.emotions !== 'object' || e.emotions === null)
    return false;
  return Object.values(e.emotions).every((p) => typeof p === 'number');
}
