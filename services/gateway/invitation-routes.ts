import { Router, type Request, type RequestHandler } from 'express';
import { chatSubjects } from '../chat/endpoints.js';
import { callRpc } from '../kit/rpc.js';
import { roomCommand } from './chat-commands.js';
import { roomParam, type RouteDeps } from './routes.js';

/**
 * A user's invitations to group rooms (ADR 0012): listed, accepted (a join)
 * or declined. Invitations from people the user blocked are not listed.
 */
export function invitationRoutes(
  deps: RouteDeps,
  auth: RequestHandler,
  me: (req: Request) => string,
): Router {
  const { nc, actors, blocks } = deps;
  const router = Router();
  router.get('/invitations', auth, async (req, res) => {
    const [invitations, blocked] = await Promise.all([
      callRpc<{ by: string }[]>(nc, chatSubjects.invitations, { user: me(req) }),
      blocks.blockedBy(me(req)),
    ]);
    res.json({ invitations: invitations.filter((i) => !blocked.has(i.by)) });
  });
  router.post('/invitations/:room/accept', auth, async (req, res) => {
    res.json(await roomCommand(actors, roomParam(req), { type: 'join', by: me(req) }));
  });
  router.delete('/invitations/:room', auth, async (req, res) => {
    res.json(await roomCommand(actors, roomParam(req), { type: 'decline', by: me(req) }));
  });
  return router;
}
