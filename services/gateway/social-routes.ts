import { Router, type Request, type RequestHandler } from 'express';
import { chatSubjects } from '../chat/endpoints.js';
import { userIdPattern } from '../chat/room-parse.js';
import { validationFailed } from '../kit/api-error.js';
import { callRpc } from '../kit/rpc.js';
import { pick, roomCommand } from './chat-commands.js';
import { presenceFor } from './presence-query.js';
import { requireKnownUsers } from './known-users.js';
import { queryText } from './query.js';
import { claimsOf, queryInt, roomParam, type RouteDeps } from './routes.js';
import { identitySubjects } from '../identity/endpoints.js';
import { lookUpPeople } from '../identity/people.js';
import { notificationSubjects } from '../notifications/notification-service.js';

const maxPresenceUsers = 100;

/** `?users=a,b,c`: 1 to 100 user ids. */
function userList(req: Request): string[] {
  const users = (queryText(req, 'users') ?? '').split(',').filter(Boolean);
  if (users.length === 0 || users.length > maxPresenceUsers || !users.every((u) => userIdPattern.test(u)))
    throw validationFailed(`users must be 1 to ${maxPresenceUsers} user ids, comma-separated`, {
      field: 'users',
    });
  return [...new Set(users)];
}

/** Blocks, notifications, people's names, presence, read receipts and room moderation by owners (mute). */
export function socialRoutes(deps: RouteDeps, auth: RequestHandler, me: (req: Request) => string): Router {
  const { nc, actors } = deps;
  const router = Router();
  router.get('/me/blocks', auth, async (req, res) => {
    res.json(await callRpc(nc, identitySubjects.blocks, { user: me(req) }));
  });
  for (const [method, blocked] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    router[method]('/me/blocks/:user', auth, async (req, res) => {
      const body = { user: req.params.user, blocked };
      await requireKnownUsers(nc, [body.user], 'user');
      res.json(await callRpc(nc, identitySubjects.setBlock, { claims: claimsOf(req), body }));
    });
  }
  router.get('/notifications', auth, async (req, res) => {
    const unread = queryText(req, 'unread');
    if (unread !== undefined && unread !== 'true' && unread !== 'false')
      throw validationFailed('unread must be true or false', { field: 'unread' });
    const limit = queryInt(req, 'limit');
    const query = { user: me(req), unreadOnly: unread === 'true', ...(limit !== undefined ? { limit } : {}) };
    res.json(await callRpc(nc, notificationSubjects.list, query));
  });
  router.post('/notifications/read', auth, async (req, res) => {
    const body = pick(req.body, ['ids', 'all']);
    res.json(await callRpc(nc, notificationSubjects.markRead, { ...body, user: me(req) }));
  });
  // Display names are what people chose to show others: any signed-in user may turn ids into names.
  router.get('/people', auth, async (req, res) => {
    res.json({ people: await lookUpPeople(nc, userList(req)) });
  });
  router.get('/presence', auth, async (req, res) => {
    res.json({ presence: await presenceFor(deps, me(req), userList(req)) });
  });
  router.post('/rooms/:room/read', auth, async (req, res) => {
    const { seq } = pick(req.body, ['seq']);
    res.json(await callRpc(nc, chatSubjects.markRead, { room: roomParam(req), user: me(req), seq }));
  });
  router.get('/rooms/:room/unread', auth, async (req, res) => {
    res.json(await callRpc(nc, chatSubjects.unread, { room: roomParam(req), user: me(req) }));
  });
  router.get('/rooms/:room/receipts', auth, async (req, res) => {
    const limit = queryInt(req, 'limit') ?? 200;
    res.json(await callRpc(nc, chatSubjects.receipts, { room: roomParam(req), user: me(req), limit }));
  });
  router.put('/rooms/:room/members/:user/mute', auth, async (req, res) => {
    const body = pick(req.body, ['minutes', 'reason']);
    const command = { ...body, type: 'mute', by: me(req), user: req.params.user };
    res.json(await roomCommand(actors, roomParam(req), command));
  });
  router.delete('/rooms/:room/members/:user/mute', auth, async (req, res) => {
    res.json(
      await roomCommand(actors, roomParam(req), { type: 'unmute', by: me(req), user: req.params.user }),
    );
  });
  return router;
}
