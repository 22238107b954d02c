import { ApiError, validationFailed } from '../kit/api-error.js';
import type { RoomEventFrame } from './room-cursor.js';

// The live socket's decisions, pure: whether a subscription may start, when
// a room event ends one, when a token's socket must close. The hub applies
// them at subscribe and membership-change time, never per delivery.

/** What the room says of a user: a member or not, and the room's last sequence. */
export interface Membership {
  member: boolean;
  lastSeq: number;
}

/**
 * Why a subscription after `after` may not start (the room's answer to the
 * membership question; null: no such room), or undefined when it may.
 */
export function subscriptionRefusal(membership: Membership | null, after: number): ApiError | undefined {
  if (membership === null) return new ApiError('not_found', 404, 'no such room');
  if (!membership.member) return new ApiError('forbidden', 403, 'only members can subscribe to this room');
  if (after > membership.lastSeq)
    return validationFailed(`after is beyond the room's last sequence (${membership.lastSeq})`, {
      field: 'after',
      lastSeq: membership.lastSeq,
    });
  return undefined;
}

/**
 * Whether a room event ends the subscription of `user`, confirmed a member
 * at sequence `memberAt`: their own leave or removal after that point. An
 * earlier one is history (a catch-up replaying a leave before a rejoin).
 */
export const endsMembership = (frame: RoomEventFrame, user: string, memberAt: number): boolean =>
  isMembershipEnd(frame) && frame.user === user && frame.seq > memberAt;

/** Whether the event ends someone's membership (a leave or a removal). */
export const isMembershipEnd = (frame: RoomEventFrame): boolean =>
  frame.type === 'MemberLeft' || frame.type === 'MemberRemoved';

/**
 * Whether a confirmed subscription needs history before it is level: events
 * after `after` exist at confirmation, or arrived live (and were not
 * delivered) while chat was being asked.
 */
export const needsCatchUp = (after: number, lastSeq: number, seenWhilePending: number): boolean =>
  after < lastSeq || seenWhilePending > lastSeq;

/** Node's longest timer; a later expiry is re-armed when this one fires. */
const longestTimerMs = 2 ** 31 - 1;

/** Milliseconds from `now` until a token expiring at `exp` (seconds) has expired, for a timer. */
export const msUntilExpiry = (exp: number, now: number): number =>
  Math.min(longestTimerMs, Math.max(0, exp * 1000 - now));
