import type { Presence } from './presence.js';

// Who may see whose presence: a user's own, and that of people who share a
// room with them and have not blocked them. Everyone else is answered
// `unknown`, the same for a stranger, a former room-mate, someone who blocked
// the caller and an id nobody has, so the answer tells nothing about them.

/** What is answered for a person whose presence the caller may not see. */
export interface UnknownPresence {
  user: string;
  status: 'unknown';
}

/**
 * The people among `asked` whose presence `caller` may see, from the rooms
 * of each (the caller's included) and whom each of them blocked.
 */
export function visiblePeople(
  caller: string,
  asked: string[],
  roomsOf: Record<string, string[]>,
  blockedBy: (user: string) => ReadonlySet<string>,
): Set<string> {
  const callerRooms = new Set(roomsOf[caller] ?? []);
  return new Set(
    asked.filter(
      (user) =>
        user === caller ||
        ((roomsOf[user] ?? []).some((room) => callerRooms.has(room)) && !blockedBy(user).has(caller)),
    ),
  );
}

/** The people who share a room with `caller`: only their block lists are needed. */
export function roomMates(caller: string, asked: string[], roomsOf: Record<string, string[]>): string[] {
  return [...visiblePeople(caller, asked, roomsOf, () => new Set())].filter((user) => user !== caller);
}

/** The answer in the order asked: presence where visible, `unknown` elsewhere. */
export function answerPresence(
  asked: string[],
  visible: ReadonlySet<string>,
  known: Presence[],
): (Presence | UnknownPresence)[] {
  const byUser = new Map(known.map((p) => [p.user, p]));
  return asked.map((user) => (visible.has(user) && byUser.get(user)) || { user, status: 'unknown' });
}
