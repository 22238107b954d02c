import type { Moderation } from './moderation.js';

// Room events as clients are served them (the events page and the live
// socket's catch-up both read it): what they say of a message equals what
// history shows of it now. A deleted message's text is gone from its
// MessageSent and every edit; an edited one's earlier texts are its current
// text. The live feed sends events as they happen, so it needs none of this.

/** What history holds of a message now. */
export interface CurrentMessage {
  text: string;
  deleted: boolean;
  /** When it was last edited (the edit event's `at`). */
  editedAt?: number;
  moderation?: Moderation;
}

type EventData = Record<string, unknown>;

/** The sequences of the messages these events are about: their history rows to look up. */
export function messageSeqsOf(events: { seq: number; data: EventData }[]): number[] {
  const seqs = new Set<number>();
  for (const { seq, data } of events) {
    if (data.type === 'MessageSent') seqs.add(seq);
    else if (data.type === 'MessageEdited' || data.type === 'MessageDeleted') seqs.add(data.target as number);
  }
  return [...seqs];
}

/**
 * What the events themselves say of messages history has no row for yet
 * (sent moments ago, not projected): folded in order.
 */
function foldUnprojected(
  events: { seq: number; data: EventData }[],
  history: ReadonlyMap<number, CurrentMessage>,
): Map<number, CurrentMessage> {
  const fresh = new Map<number, CurrentMessage>();
  for (const { seq, data } of events) {
    const target = data.type === 'MessageSent' ? seq : (data.target as number);
    if (history.has(target)) continue;
    const moderation = data.moderation as Moderation | undefined;
    if (data.type === 'MessageSent' || (data.type === 'MessageEdited' && fresh.has(target))) {
      const edited = data.type === 'MessageEdited' ? { editedAt: data.at as number } : {};
      fresh.set(target, {
        text: data.text as string,
        deleted: false,
        ...edited,
        ...(moderation ? { moderation } : {}),
      });
    } else if (data.type === 'MessageDeleted' && fresh.has(target)) {
      fresh.set(target, { text: '', deleted: true });
    }
  }
  return fresh;
}

/** The event with the message's current text (and the moderation that goes with it). */
function withCurrent(data: EventData, now: CurrentMessage): EventData {
  const { moderation: _stored, ...rest } = data;
  if (now.deleted) return { ...rest, text: '', deleted: true };
  return { ...rest, text: now.text, ...(now.moderation ? { moderation: now.moderation } : {}) };
}

/**
 * Each event's data as history shows its message now, given history's rows
 * for the messages the events are about (`messageSeqsOf`). An edit newer
 * than history's row (not projected yet) keeps its own text: the page never
 * goes back to an older text.
 */
export function asHistoryShows(
  events: { seq: number; data: EventData }[],
  history: ReadonlyMap<number, CurrentMessage>,
): EventData[] {
  const fresh = foldUnprojected(events, history);
  return events.map(({ seq, data }) => {
    if (data.type === 'MessageSent') {
      const now = history.get(seq) ?? fresh.get(seq);
      return now ? withCurrent(data, now) : data;
    }
    if (data.type === 'MessageEdited') {
      const now = history.get(data.target as number) ?? fresh.get(data.target as number);
      if (!now) return data;
      return now.deleted || (now.editedAt ?? 0) > (data.at as number) ? withCurrent(data, now) : data;
    }
    return data;
  });
}
