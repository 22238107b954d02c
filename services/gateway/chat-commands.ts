import { createHash, randomBytes } from 'node:crypto';
import { ActorClientError, type ActorClient } from '../actors/client.js';
import type { CommandResult } from '../actors/types.js';
import { ApiError, validationFailed } from '../kit/api-error.js';
import { jsonObject } from '../kit/json-object.js';

// From HTTP bodies to room commands, and from room outcomes to HTTP answers.

const statusOfRejection: Record<string, number> = {
  validation_failed: 400,
  forbidden: 403,
  room_not_found: 404,
  message_not_found: 404,
  invitation_not_found: 404,
  room_exists: 409,
  already_member: 409,
  not_member: 409,
  last_owner: 409,
  room_full: 409,
  message_blocked: 422,
  muted: 403,
  rate_limited: 429,
  blocked: 403,
  entry_not_found: 404,
  entry_exists: 409,
  diary_full: 409,
};

const clientIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Picks the allowed fields of a JSON body; anything else is a 400 naming it. */
export function pick(body: unknown, allowed: string[]): Record<string, unknown> {
  return body === undefined ? {} : jsonObject(body, allowed);
}

/**
 * The command id of a user's send: the client's own id when it gave one (so
 * a retry through any gateway is the same command), a fresh one otherwise.
 */
export function commandIdFor(user: string, clientId: unknown): string {
  if (clientId === undefined) return `${user}-${randomBytes(9).toString('base64url')}`;
  if (typeof clientId !== 'string' || !clientIdPattern.test(clientId)) {
    throw validationFailed('clientId must be 1-64 characters of A-Z a-z 0-9 _ -', { field: 'clientId' });
  }
  return `${user}-${clientId}`;
}

/** A direct conversation's id is derived from its two users, so there is only ever one. */
export function directRoomId(a: string, b: string): string {
  const pair = [a, b].sort().join('\n');
  return `d_${createHash('sha256').update(pair).digest('base64url').slice(0, 24)}`;
}

export const newRoomId = () => `r_${randomBytes(12).toString('base64url')}`;

export function parseSeq(text: unknown): number {
  const seq = Number(text);
  if (typeof text !== 'string' || !Number.isSafeInteger(seq) || seq < 1 || String(seq) !== text)
    throw validationFailed('seq must be a positive whole number', { field: 'seq' });
  return seq;
}

/** Sends a command to an actor and turns a rejection into the matching HTTP error. */
export async function actorCommand(
  actors: ActorClient,
  target: { type: 'room' | 'diary'; id: string; noun: string },
  command: Record<string, unknown>,
  commandId?: string,
): Promise<CommandResult & { status: 'accepted' }> {
  let result: CommandResult;
  try {
    result = await actors.send(target.type, target.id, command, commandId ? { commandId } : {});
  } catch (err) {
    if (err instanceof ActorClientError && err.code === 'invalid_id')
      throw new ApiError('not_found', 404, `no such ${target.noun}`);
    if (err instanceof ActorClientError && err.code === 'timeout') {
      throw new ApiError(
        'timeout',
        504,
        `the ${target.noun} did not answer in time; retry with the same clientId`,
      );
    }
    throw new ApiError(
      'unavailable',
      503,
      `the ${target.type === 'room' ? 'chat' : 'diary'} service is unavailable`,
    );
  }
  if (result.status === 'rejected') {
    throw new ApiError(result.code, statusOfRejection[result.code] ?? 400, result.message, result.details);
  }
  return result;
}

/** Sends a room command; answers the room sequence it got. */
export async function roomCommand(
  actors: ActorClient,
  room: string,
  command: Record<string, unknown>,
  commandId?: string,
): Promise<{ seq: number }> {
  const result = await actorCommand(actors, { type: 'room', id: room, noun: 'room' }, command, commandId);
  return { seq: result.version };
}
