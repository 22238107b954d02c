import { validationFailed } from '../kit/api-error.js';
import { jsonObject } from '../kit/json-object.js';

// Validation of what clients send to identity: strings only, bounded, no
// unknown fields. A problem is a 400 `validation_failed` naming the field.

export interface Registration {
  email: string;
  displayName: string;
  password: string;
}
export interface Credentials {
  email: string;
  password: string;
}
export interface ProfileUpdate {
  displayName: string;
}

type Raw = Record<string, unknown>;

function string(raw: Raw, field: string): string {
  const value = raw[field];
  if (typeof value !== 'string') throw validationFailed(`${field} must be a string`, { field });
  return value;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u001f\u007f]/;

/** Emails are compared lower-cased and trimmed, as they are stored. */
export function normalEmail(value: unknown, field = 'email'): string {
  if (typeof value !== 'string') throw validationFailed(`${field} must be a string`, { field });
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !emailPattern.test(email))
    throw validationFailed(`${field} is not an email address`, { field });
  return email;
}

const email = (raw: Raw) => normalEmail(raw.email);

function password(raw: Raw): string {
  const value = string(raw, 'password');
  if (value.length < 8 || value.length > 256) {
    throw validationFailed('password must be 8 to 256 characters', { field: 'password' });
  }
  return value;
}

function displayName(raw: Raw): string {
  const value = string(raw, 'displayName').trim();
  if (value.length === 0 || [...value].length > 64 || controlChars.test(value)) {
    throw validationFailed('displayName must be 1 to 64 printable characters', { field: 'displayName' });
  }
  return value;
}

export function parseRegistration(raw: unknown): Registration {
  const body = jsonObject(raw, ['email', 'displayName', 'password']);
  return { email: email(body), displayName: displayName(body), password: password(body) };
}

export function parseCredentials(raw: unknown): Credentials {
  const body = jsonObject(raw, ['email', 'password']);
  return { email: email(body), password: string(body, 'password') };
}

export function parseProfileUpdate(raw: unknown): ProfileUpdate {
  return { displayName: displayName(jsonObject(raw, ['displayName'])) };
}

export function parseRefresh(raw: unknown): { refreshToken: string } {
  return { refreshToken: refreshToken(jsonObject(raw, ['refreshToken'])) };
}

/** Sign-out ends the access token's login; a refresh token (of another login) may come along. */
export function parseLogout(raw: unknown): { refreshToken?: string } {
  if (raw === undefined) return {};
  const body = jsonObject(raw, ['refreshToken']);
  return body.refreshToken === undefined ? {} : { refreshToken: refreshToken(body) };
}

function refreshToken(raw: Raw): string {
  const token = string(raw, 'refreshToken');
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token))
    throw validationFailed('refreshToken is malformed', { field: 'refreshToken' });
  return token;
}

const resolveMax = 10_000;

/** A platform-internal request: the user ids behind a list of emails (the operator's declared rooms). */
export function parseResolve(raw: unknown): { emails: string[] } {
  const emails = jsonObject(raw, ['emails']).emails;
  if (!Array.isArray(emails) || emails.length > resolveMax)
    throw validationFailed(`emails must be a list of at most ${resolveMax}`, { field: 'emails' });
  return { emails: [...new Set(emails.map((e, i) => normalEmail(e, `emails[${i}]`)))] };
}

/** As many user ids as one `known` request may ask about. */
export const maxPeopleAsked = 500;
const knownMax = maxPeopleAsked;

export function parseKnown(raw: unknown): { users: string[] } {
  const users = jsonObject(raw, ['users']).users;
  if (!Array.isArray(users) || users.length > knownMax || !users.every((u) => typeof u === 'string'))
    throw validationFailed(`users must be a list of at most ${knownMax} user ids`, { field: 'users' });
  return { users: [...new Set(users as string[])] };
}
