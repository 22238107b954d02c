import type { RoomEvent } from '@metachat/sdk';
import type { MoodScore } from '../mood/MoodBadge';

// A room's messages as the screen shows them, built from history (HTTP), live
// events (WebSocket) and the sends in flight. Pure: every function answers a
// new timeline. A message is known by its sequence, so one that comes both by
// HTTP and by WebSocket is shown once.

export interface ChatMessage {
  /** Undefined while a send is in flight. */
  seq?: number;
  /** The client id of a send from this device. */
  clientId?: string;
  author: string;
  text: string;
  deleted: boolean;
  status: 'sent' | 'pending' | 'failed';
  moodScore?: MoodScore;
}

export interface Timeline {
  /** Oldest first; sends in flight last. */
  messages: ChatMessage[];
  /** The last room sequence seen: where the live stream resumes. */
  lastSeq: number;
}

export interface HistoryMessage {
  seq: number;
  author: string;
  text: string;
  deleted: boolean;
  moodScore?: MoodScore;
}

const bySeq = (a: ChatMessage, b: ChatMessage) =>
  (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER);

/** History comes newest first; `roomSeq` is the room's last sequence (events besides messages count too). */
export function fromHistory(newestFirst: HistoryMessage[], roomSeq = 0): Timeline {
  const messages = newestFirst
    .map((m): ChatMessage => ({
      seq: m.seq,
      author: m.author,
      text: m.text,
      deleted: m.deleted,
      status: 'sent',
      ...(m.moodScore ? { moodScore: m.moodScore } : {}),
    }))
    .reverse();
  return { messages, lastSeq: Math.max(roomSeq, messages.at(-1)?.seq ?? 0) };
}

export function addPending(t: Timeline, send: { clientId: string; author: string; text: string }): Timeline {
  const others = t.messages.filter((m) => m.clientId !== send.clientId);
  return { ...t, messages: [...others, { ...send, deleted: false, status: 'pending' }] };
}

/** The send's answer: its sequence. If the live event came first, the pending copy goes. */
export function confirmSent(t: Timeline, clientId: string, seq: number): Timeline {
  if (t.messages.some((m) => m.seq === seq && m.clientId !== clientId))
    return { ...t, messages: t.messages.filter((m) => m.clientId !== clientId) };
  const messages = t.messages.map((m) =>
    m.clientId === clientId ? { ...m, seq, status: 'sent' as const } : m,
  );
  return { ...t, messages: messages.sort(bySeq) };
}

export function failSend(t: Timeline, clientId: string): Timeline {
  return {
    ...t,
    messages: t.messages.map((m) => (m.clientId === clientId ? { ...m, status: 'failed' as const } : m)),
  };
}

const patch = (t: Timeline, target: number, change: Partial<ChatMessage>): ChatMessage[] =>
  t.messages.map((m) => (m.seq === target ? { ...m, ...change } : m));

/** A room event from the live stream; each sequence counts once. */
export function applyEvent(t: Timeline, { seq, event }: Pick<RoomEvent, 'seq' | 'event'>): Timeline {
  if (seq <= t.lastSeq && t.messages.some((m) => m.seq === seq)) return t;
  const lastSeq = Math.max(t.lastSeq, seq);
  switch (event.type) {
    case 'MessageSent': {
      if (t.messages.some((m) => m.seq === seq)) return { ...t, lastSeq };
      const message: ChatMessage = {
        seq,
        author: String(event.author),
        text: String(event.text),
        deleted: false,
        status: 'sent',
      };
      return { lastSeq, messages: [...t.messages, message].sort(bySeq) };
    }
    case 'MessageEdited':
      return { lastSeq, messages: patch(t, Number(event.target), { text: String(event.text) }) };
    case 'MessageDeleted':
      return { lastSeq, messages: patch(t, Number(event.target), { deleted: true, text: '' }) };
    default:
      return { ...t, lastSeq };
  }
}
