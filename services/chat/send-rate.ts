import { own } from '../kit/own-keys.js';
import { reject, type Rejection } from '../actors/types.js';
import type { RoomState } from './room-model.js';

// A room's limit of messages per member per minute (the ChatRoom's
// rateLimit.messagesPerMinute), as a sliding window over the times of each
// member's sends, kept in the room's state: exact (never more than the limit
// in any minute), the same on every replica, and pure. Only members who sent
// within the last minute are kept, with at most `limit` times each.

export const rateWindowMs = 60_000;

/** The refusal of a send over the room's limit, saying when the next one fits; nothing when it fits now. */
export function overSendRate(state: RoomState, user: string, at: number): Rejection | undefined {
  const limit = state.settings.rateLimitPerMinute;
  if (limit <= 0) return undefined;
  const recent = (own(state.recentSends, user) ?? []).filter((t) => t > at - rateWindowMs);
  if (recent.length < limit) return undefined;
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((recent[recent.length - limit]! + rateWindowMs - at) / 1000),
  );
  return reject(
    'rate_limited',
    `this room takes at most ${limit} messages a minute from each member; retry in ${retryAfterSeconds} s`,
    { retryAfterSeconds, limit },
  );
}

/** The send times after `author` sent at `at`: theirs trimmed to the window and the limit, other members' that left the window dropped. */
export function withSend(state: RoomState, author: string, at: number): RoomState['recentSends'] {
  const limit = state.settings.rateLimitPerMinute;
  if (limit <= 0) return {};
  const kept = Object.entries(state.recentSends).filter(
    ([u, times]) => u !== author && times.at(-1)! > at - rateWindowMs,
  );
  const mine = [...(own(state.recentSends, author) ?? []), at]
    .filter((t) => t > at - rateWindowMs)
    .slice(-limit);
  return Object.fromEntries([...kept, [author, mine]]) as RoomState['recentSends'];
}
