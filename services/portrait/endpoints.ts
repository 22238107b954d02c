import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { userIdPattern } from '../actors/command-fields.js';
import { validationFailed } from '../kit/api-error.js';
import { jsonObject } from '../kit/json-object.js';
import type { Logger } from '../kit/log.js';
import { serveRpc } from '../kit/rpc.js';
import { periods, type Period } from './aggregate.js';
import type { PortraitStore } from './portrait-store.js';

export const portraitSubjects = {
  get: 'portrait.v1.get',
  many: 'portrait.v1.many',
  timeline: 'portrait.v1.timeline',
  /** Platform-internal: a deleted account's portrait goes. */
  forget: 'portrait.v1.forget',
  /** Core NATS: a portrait changed (every matching replica listens). */
  updated: 'portrait.v1.updated',
};

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

function user(value: unknown, field = 'user'): string {
  if (typeof value !== 'string' || !userIdPattern.test(value))
    throw validationFailed(`${field} is malformed`, { field });
  return value;
}

function date(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !datePattern.test(value) || Number.isNaN(Date.parse(value)))
    throw validationFailed(`${field} must be a date, e.g. 2026-11-22`, { field });
  return value;
}

export function servePortraits(nc: NatsConnection, store: PortraitStore, log: Logger): Subscription[] {
  const queue = 'portrait';
  return [
    serveRpc(
      nc,
      portraitSubjects.get,
      queue,
      async (raw) => store.portrait(user(jsonObject(raw, ['user']).user)),
      log,
    ),
    serveRpc(
      nc,
      portraitSubjects.forget,
      queue,
      async (raw) => {
        const who = user(jsonObject(raw, ['user']).user);
        await store.forget(who);
        return null;
      },
      log,
    ),
    serveRpc(
      nc,
      portraitSubjects.many,
      queue,
      async (raw) => {
        const { users } = jsonObject(raw, ['users']);
        if (!Array.isArray(users) || users.length > 1000)
          throw validationFailed('users must be a list of at most 1000 user ids', { field: 'users' });
        return store.portraits(users.map((u, i) => user(u, `users[${i}]`)));
      },
      log,
    ),
    serveRpc(
      nc,
      portraitSubjects.timeline,
      queue,
      async (raw) => {
        const r = jsonObject(raw, ['user', 'period', 'from', 'to']);
        const period = r.period ?? 'day';
        if (!periods.includes(period as Period))
          throw validationFailed(`period must be one of ${periods.join(', ')}`, { field: 'period' });
        return store.timeline(user(r.user), period as Period, date(r.from, 'from'), date(r.to, 'to'));
      },
      log,
    ),
  ];
}
