import { reject, type Rejection } from './types.js';

// Checks shared by the actor types' command parsers: untrusted JSON in, a
// clear message out. A parser throws InvalidField; `parseWith` turns it into
// the rejection callers see: `validation_failed`, naming the field, as every
// other input error of the platform.

export class InvalidField extends Error {
  constructor(
    /** The field at fault, as a path (`settings.maxMembers`, `members[2]`). */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type Raw = Record<string, unknown>;

export const userIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function onlyFields(raw: Raw, allowed: string[]): void {
  const extra = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    throw new InvalidField(extra[0]!, `unknown field${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}`);
}

export function userId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !userIdPattern.test(value))
    throw new InvalidField(field, `${field} must be a user id`);
  return value;
}

// Control characters other than tab and newline make no sense in text people write.
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** Trimmed, non-empty text of at most `max` characters, without control characters. */
export function cleanText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw new InvalidField(field, `${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new InvalidField(field, `${field} must not be empty`);
  if ([...trimmed].length > max) throw new InvalidField(field, `${field} must be at most ${max} characters`);
  if (controlChars.test(trimmed))
    throw new InvalidField(field, `${field} must not contain control characters`);
  return trimmed;
}

/** Runs a parser on a JSON object; what it refuses becomes a `validation_failed` rejection naming the field. */
export function parseWith<T>(raw: unknown, parse: (raw: Raw) => T): T | Rejection {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return reject('validation_failed', 'a command must be a JSON object', { field: 'body' });
  try {
    return parse(raw as Raw);
  } catch (err) {
    if (err instanceof InvalidField) return reject('validation_failed', err.message, { field: err.field });
    throw err;
  }
}
