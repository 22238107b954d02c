import { Router, type Request, type RequestHandler } from 'express';
import { createHash } from 'node:crypto';
import { entryIdPattern } from '../diary/diary-model.js';
import { diarySubjects } from '../diary/endpoints.js';
import { ApiError, validationFailed } from '../kit/api-error.js';
import { callRpc } from '../kit/rpc.js';
import { actorCommand, commandIdFor, pick } from './chat-commands.js';
import { queryText } from './query.js';
import { rangeBound } from './query-time.js';
import type { RouteDeps } from './routes.js';

const contentFields = ['title', 'text', 'tags', 'mood', 'shared'];

/** An entry's id follows from its write command's id, so a retried write makes the same entry. */
const entryIdOf = (commandId: string) =>
  `e_${createHash('sha256').update(commandId).digest('base64url').slice(0, 22)}`;

function entryParam(req: Request, notFound = 'no such entry'): string {
  const entry = req.params.entry;
  if (typeof entry !== 'string' || !entryIdPattern.test(entry))
    throw new ApiError('not_found', 404, notFound);
  return entry;
}
const sharedParam = (req: Request) => entryParam(req, 'no such shared entry');

/** The diary: each user's own entries (the diary actor's id is the user id). */
export function diaryRoutes(
  { nc, actors }: RouteDeps,
  auth: RequestHandler,
  me: (req: Request) => string,
): Router {
  const router = Router();
  const diary = (req: Request) => ({ type: 'diary' as const, id: me(req), noun: 'entry' });

  router.post('/diary/entries', auth, async (req, res) => {
    const { clientId, ...content } = pick(req.body, [...contentFields, 'clientId']);
    const commandId = commandIdFor(me(req), clientId);
    const entry = entryIdOf(commandId);
    const { version } = await actorCommand(
      actors,
      diary(req),
      { type: 'write', entry, ...content },
      commandId,
    );
    res.status(201).json({ id: entry, version });
  });
  router.patch('/diary/entries/:entry', auth, async (req, res) => {
    const changes = pick(req.body, contentFields);
    const entry = entryParam(req);
    const { version } = await actorCommand(actors, diary(req), { type: 'edit', entry, ...changes });
    res.json({ id: entry, version });
  });
  router.delete('/diary/entries/:entry', auth, async (req, res) => {
    await actorCommand(actors, diary(req), { type: 'delete', entry: entryParam(req) });
    res.status(204).end();
  });
  router.get('/diary/entries', auth, async (req, res) => {
    const limit = queryText(req, 'limit');
    if (limit !== undefined && !/^\d{1,4}$/.test(limit))
      throw validationFailed('limit must be 1 to 200', { field: 'limit' });
    const [from, to, tag, text] = [
      rangeBound(req.query.from, 'from'),
      rangeBound(req.query.to, 'to'),
      queryText(req, 'tag'),
      queryText(req, 'q'),
    ];
    const query = {
      user: me(req),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(tag !== undefined ? { tag } : {}),
      ...(text !== undefined ? { text } : {}),
      ...(limit !== undefined ? { limit: Number(limit) } : {}),
    };
    res.json({ entries: await callRpc(nc, diarySubjects.list, query) });
  });
  // Shared entries: anyone signed in reads them (without their author) and marks them helpful.
  router.get('/diary/shared/:entry', auth, async (req, res) => {
    res.json(await callRpc(nc, diarySubjects.readShared, { user: me(req), entry: sharedParam(req) }));
  });
  router.put('/diary/shared/:entry/helpful', auth, async (req, res) => {
    const { helpful } = pick(req.body, ['helpful']);
    res.json(
      await callRpc(nc, diarySubjects.markHelpful, { user: me(req), entry: sharedParam(req), helpful }),
    );
  });
  return router;
}
