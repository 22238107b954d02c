import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { userIdPattern } from '../actors/command-fields.js';
import { validationFailed } from '../kit/api-error.js';
import { jsonObject } from '../kit/json-object.js';
import type { Logger } from '../kit/log.js';
import { serveRpc } from '../kit/rpc.js';
import { deleteFromStream, mentionsUser, purgeSubject, redactEvents } from '../actors/erasure.js';
import { streamName, type EventStore } from '../actors/event-store.js';
import { streams, subjects } from '../actors/topology.js';
import { entryMoodKey, withMoodScores, type MoodScores } from '../mood/mood-scores.js';
import { moodStream, moodSubjects } from '../mood/subjects.js';
import { entryIdPattern, tagPattern } from './diary-model.js';
import type { DiaryReadModel, Entry, EntryQuery } from './read-model.js';
import { notShared } from './shared-entries.js';

export const diarySubjects = {
  list: 'diary.v1.list',
  /** A shared entry as any reader sees it, and their helpful mark on it. */
  readShared: 'diary.v1.shared.read',
  markHelpful: 'diary.v1.shared.mark-helpful',
  /** Platform-internal (recommendations): shared entries some people marked helpful. */
  foundHelpful: 'diary.v1.shared.found-helpful',
  /** Platform-internal (account export and deletion). */
  exportUser: 'diary.v1.export-user',
  forgetUser: 'diary.v1.forget-user',
};

const maxPage = 200;
const maxSearch = 200;

/** A list request: who, and optionally a date range, a tag, words to find, and a page size. */
export function parseEntryQuery(raw: unknown): EntryQuery {
  const r = jsonObject(raw, ['user', 'from', 'to', 'tag', 'text', 'limit']);
  if (typeof r.user !== 'string' || !userIdPattern.test(r.user))
    throw validationFailed('user is malformed', { field: 'user' });
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

const userId = (user: unknown, field = 'user'): string => {
  if (typeof user !== 'string' || !userIdPattern.test(user))
    throw validationFailed(`${field} is malformed`, { field });
  return user;
};
const userOf = (raw: unknown): string => userId(jsonObject(raw, ['user']).user);
const entryOf = (entry: unknown): string => {
  if (typeof entry !== 'string' || !entryIdPattern.test(entry)) throw notShared();
  return entry;
};
const maxPeople = 100;

export function serveDiary(
  nc: NatsConnection,
  deps: { readModel: DiaryReadModel; store: EventStore; moods: MoodScores },
  log: Logger,
): Subscription[] {
  const { readModel } = deps;
  const withMoods = (entries: Entry[]) =>
    withMoodScores(
      deps.moods,
      entries,
      (e) => entryMoodKey(e.id),
      () => true,
    );
  return [
    serveRpc(
      nc,
      diarySubjects.list,
      'diary',
      async (raw) => withMoods(await readModel.list(parseEntryQuery(raw))),
      log,
    ),
    serveRpc(
      nc,
      diarySubjects.exportUser,
      'diary',
      async (raw) => {
        const user = userOf(raw);
        return {
          entries: await withMoods(await readModel.all(user)),
          helpfulMarks: await readModel.shared.marksBy(user),
        };
      },
      log,
    ),
    serveRpc(
      nc,
      diarySubjects.readShared,
      'diary',
      async (raw) => {
        const r = jsonObject(raw, ['user', 'entry']);
        return readModel.shared.read(userId(r.user), entryOf(r.entry));
      },
      log,
    ),
    serveRpc(
      nc,
      diarySubjects.markHelpful,
      'diary',
      async (raw) => {
        const r = jsonObject(raw, ['user', 'entry', 'helpful']);
        if (typeof r.helpful !== 'boolean')
          throw validationFailed('helpful must be true or false', { field: 'helpful' });
        return readModel.shared.mark(userId(r.user), entryOf(r.entry), r.helpful);
      },
      log,
    ),
    serveRpc(
      nc,
      diarySubjects.foundHelpful,
      'diary',
      async (raw) => {
        const r = jsonObject(raw, ['people', 'reader']);
        if (!Array.isArray(r.people) || r.people.length > maxPeople)
          throw validationFailed(`people must be a list of at most ${maxPeople} users`, { field: 'people' });
        const people = r.people.map((p) => userId(p, 'people'));
        return readModel.shared.foundHelpfulBy(people, userId(r.reader, 'reader'));
      },
      log,
    ),
    serveRpc(
      nc,
      diarySubjects.forgetUser,
      'diary',
      async (raw) => {
        await forgetDiary(nc, deps, userOf(raw));
        return null;
      },
      log,
    ),
  ];
}

/**
 * A deleted account's diary, after its `erase` command deleted every entry:
 * the events keep their place but lose their content, the read model's
 * tombstones go, and JetStream's copies (entries and their mood scores) are purged.
 */
async function forgetDiary(
  nc: NatsConnection,
  deps: { readModel: DiaryReadModel; store: EventStore },
  user: string,
): Promise<void> {
  await redactEvents(
    deps.store,
    { stream: streamName('diary', user), type: { $in: ['EntryWritten', 'EntryEdited'] } },
    { 'data.title': '', 'data.text': '', 'data.tags': [], 'data.mood': null },
  );
  await deps.readModel.forget(user);
  await purgeSubject(nc, streams.events('diary'), subjects.event('diary', user));
  await purgeSubject(nc, moodStream, moodSubjects.analyzedInDiary(user));
  await deleteFromStream(nc, streams.parked, subjects.parked('diary'), mentionsUser(user));
}
