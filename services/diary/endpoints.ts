import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { userIdPattern } from '../actors/command-fields.js';
import { validationFailed } from '../kit/api-error.js';
import { jsonObject } from '../kit/json-object.js';
import type { Logger } from '../kit/log.js';
import { serveRpc } from '../kit/rpc.js';
import { tagPattern } from './diary-model.js';
import type { DiaryReadModel, EntryQuery } from './read-model.js';

export const diarySubjects = { list: 'diary.v1.list' };

const maxPage = 200;
const maxSearch = 200;

/** A list request: who, and optionally a date range, a tag, words to find, and a page size. */
export function parseEntryQuery(raw: unknown): EntryQuery {
  const r = jsonObject(raw, ['user', 'from', 'to', 'tag', 'text', 'limit']);
  if (typeof r.user !== 'string' || !userIdPattern.test(r.user)) throw validationFailed('user is malformed');
  const time = (name: 'from' | 'to') => {
    const v = r[name];
    if (v === undefined) return undefined;
    if (!Number.isSafeInteger(v) || (v as number) < 0)
      throw validationFailed(`${name} must be a time`, { field: name });
    return v as number;
  };
  if (r.tag !== undefined && (typeof r.tag !== 'string' || !tagPattern.test(r.tag)))
    throw validationFailed('tag must be 1-40 letters, digits, _ or -', { field: 'tag' });
  if (r.text !== undefined && (typeof r.text !== 'string' || r.text.length > maxSearch))
    throw validationFailed(`text must be at most ${maxSearch} characters`, { field: 'text' });
  const limit = r.limit ?? 50;
  if (!Number.isSafeInteger(limit) || (limit as number) < 1 || (limit as number) > maxPage)
    throw validationFailed(`limit must be 1 to ${maxPage}`, { field: 'limit' });
  const [from, to] = [time('from'), time('to')];
  return {
    user: r.user,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(r.tag !== undefined ? { tag: (r.tag as string).toLowerCase() } : {}),
    ...(r.text !== undefined ? { text: r.text as string } : {}),
    limit: limit as number,
  };
}

export function serveDiary(nc: NatsConnection, readModel: DiaryReadModel, log: Logger): Subscription[] {
  return [
    serveRpc(nc, diarySubjects.list, 'diary', async (raw) => readModel.list(parseEntryQuery(raw)), log),
  ];
}
