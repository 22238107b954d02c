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
