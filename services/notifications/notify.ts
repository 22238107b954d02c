// Who gets a notification for a new message, as a pure function: the other
// member of a direct conversation, and members mentioned as <@userId> in a
// group room — when they are offline and have not blocked the author.

export type NotificationKind = 'mention' | 'direct';

export interface NewMessage {
  room: string;
  seq: number;
  author: string;
  text: string;
  at: number;
}

export interface RoomFacts {
  kind: string;
  name: string;
  members: string[];
}

/** A mention in a message's text: `<@u_123>` (clients render it as the user's name). */
const mentionPattern = /<@([A-Za-z0-9_-]{1,64})>/g;
const excerptLength = 140;
/** Messages older than this when seen (a service catching up on history) notify nobody. */
export const notifyWithinMs = 10 * 60_000;

export function mentionsIn(text: string): string[] {
  return [...new Set([...text.matchAll(mentionPattern)].map((m) => m[1]!))];
}

/** Whom a message may concern, before presence and blocks are known; none for a group message without mentions. */
export function candidatesFor(
  message: NewMessage,
  room: RoomFacts,
): { user: string; kind: NotificationKind }[] {
  if (room.kind === 'direct')
    return room.members.filter((m) => m !== message.author).map((user) => ({ user, kind: 'direct' }));
  const members = new Set(room.members);
  return mentionsIn(message.text)
    .filter((user) => user !== message.author && members.has(user))
    .map((user) => ({ user, kind: 'mention' }));
}

/** Only messages that could notify anyone need the room looked up. */
export const mayNotify = (message: NewMessage, now: number): boolean =>
  now - message.at <= notifyWithinMs &&
  (message.room.startsWith('d_') || mentionsIn(message.text).length > 0);

export interface Notification {
  id: string;
  user: string;
  kind: NotificationKind;
  room: string;
  roomName: string;
  seq: number;
  from: string;
  excerpt: string;
  at: number;
  read: boolean;
}

export function notificationOf(
  message: NewMessage,
  room: RoomFacts,
  recipient: { user: string; kind: NotificationKind },
): Notification {
  return {
    id: `${recipient.user}#${message.room}#${message.seq}`,
    user: recipient.user,
    kind: recipient.kind,
    room: message.room,
    roomName: room.name,
    seq: message.seq,
    from: message.author,
    excerpt: excerptOf(message.text),
    at: message.at,
    read: false,
  };
}

/** What a notification shows of a message's text: its first characters, on one line. */
export function excerptOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > excerptLength ? `${line.slice(0, excerptLength - 1)}…` : line;
}

/** A change to a notified message's text: an edit (the new text) or a deletion (none). */
export interface TextChange {
  room: string;
  seq: number;
  excerpt: string;
}
