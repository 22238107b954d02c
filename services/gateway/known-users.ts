import type { NatsConnection } from '@nats-io/transport-node';
import { lookUpPeople, maxPeopleAsked as maxAsked } from '../identity/people.js';
import { userIdPattern } from '../chat/room-parse.js';
import { ApiError, validationFailed } from '../kit/api-error.js';

/**
 * Refuses with 404 `user_not_found` (naming the field) when any of the
 * users someone is about to add, invite, talk to or block has no account.
 * Values that are not user ids are left to the command's own validation.
 */
export async function requireKnownUsers(nc: NatsConnection, users: unknown[], field: string): Promise<void> {
  const asked = [
    ...new Set(users.filter((u): u is string => typeof u === 'string' && userIdPattern.test(u))),
  ];
  if (asked.length === 0) return;
  if (asked.length > maxAsked) throw validationFailed(`at most ${maxAsked} users at once`, { field });
  const known = new Set((await lookUpPeople(nc, asked)).map((p) => p.id));
  const missing = asked.filter((u) => !known.has(u));
  if (missing.length > 0)
    throw new ApiError('user_not_found', 404, `no such user: ${missing.join(', ')}`, {
      field,
      users: missing,
    });
}
