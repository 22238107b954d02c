import { safeIdPattern } from './partitioning.js';
import type { StoredEvent } from './event-store.js';
import { subjects } from './topology.js';

// The wire formats between callers and actor hosts, and their validation.

/** What a caller puts on an actor's mailbox. */
export interface CommandEnvelope {
  commandId: string;
  actorId: string;
  command: unknown;
  /** The caller's reply address, `<inbox>.<key>`; without it the result goes to the command id's subject. */
  replyTo?: string;
}

const replyAddressPattern = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}$/;

/** Where the result of a command is announced. */
export const replySubjectOf = (envelope: Pick<CommandEnvelope, 'commandId' | 'replyTo'>): string =>
  envelope.replyTo === undefined ? subjects.reply(envelope.commandId) : subjects.replyTo(envelope.replyTo);

/** Requests on a partition's control subject. */
export type ControlRequest =
  { op: 'result'; actorId: string; commandId: string } | { op: 'query'; actorId: string; query: unknown };

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

const maxEnvelopeBytes = 1024 * 1024;

function parseJsonObject(data: Uint8Array): Record<string, unknown> {
  if (data.byteLength > maxEnvelopeBytes) throw new EnvelopeError('envelope larger than 1 MiB');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new EnvelopeError('envelope is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EnvelopeError('envelope is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || !safeIdPattern.test(value)) {
    throw new EnvelopeError(`${field} must be 1-128 characters of A-Z a-z 0-9 _ -`);
  }
  return value;
}

/** Parses a mailbox message; the actor id must match the subject it came on. */
export function parseCommandEnvelope(data: Uint8Array, subjectActorId: string): CommandEnvelope {
  const raw = parseJsonObject(data);
  const envelope = {
    commandId: id(raw.commandId, 'commandId'),
    actorId: id(raw.actorId, 'actorId'),
    command: raw.command,
    ...(raw.replyTo === undefined ? {} : { replyTo: replyAddress(raw.replyTo) }),
  };
  if (envelope.actorId !== subjectActorId)
    throw new EnvelopeError('actorId does not match the mailbox subject');
  if (envelope.command === undefined) throw new EnvelopeError('command is missing');
  return envelope;
}

function replyAddress(value: unknown): string {
  if (typeof value !== 'string' || !replyAddressPattern.test(value))
    throw new EnvelopeError('replyTo must be <inbox>.<key>, each 1-64 characters of A-Z a-z 0-9 _ -');
  return value;
}

/** Where to tell the caller of a message that failed to parse, when it can be read. */
export function salvageReplySubject(data: Uint8Array): string | undefined {
  try {
    const { commandId, replyTo } = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
    if (typeof commandId !== 'string' || !safeIdPattern.test(commandId)) return undefined;
    const valid = typeof replyTo === 'string' && replyAddressPattern.test(replyTo);
    return replySubjectOf({ commandId, ...(valid ? { replyTo } : {}) });
  } catch {
    return undefined;
  }
}

export function parseControlRequest(data: Uint8Array): ControlRequest {
  const raw = parseJsonObject(data);
  if (raw.op === 'result')
    return { op: 'result', actorId: id(raw.actorId, 'actorId'), commandId: id(raw.commandId, 'commandId') };
  if (raw.op === 'query') return { op: 'query', actorId: id(raw.actorId, 'actorId'), query: raw.query };
  throw new EnvelopeError('op must be "result" or "query"');
}

/** An event as published on JetStream: the stored event, its id named `id`. */
export type PublishedEvent = Omit<StoredEvent, '_id'> & { id: string };

export const toPublished = ({ _id, ...rest }: StoredEvent): PublishedEvent => ({
  id: _id,
  ...rest,
});

export const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
