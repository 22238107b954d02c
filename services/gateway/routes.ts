import { Router, type Request, type RequestHandler } from 'express';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ActorClient } from '../actors/client.js';
import { chatSubjects, roomIdPattern } from '../chat/endpoints.js';
import { identitySubjects } from '../identity/endpoints.js';
import type { AccessClaims } from '../identity/tokens.js';
import type { AccessTokenVerifier } from '../identity/verifier.js';
import { ApiError, validationFailed } from '../kit/api-error.js';
import { callRpc } from '../kit/rpc.js';
import { analyzeTargetOf, modelNotServed } from '../mood/analyze.js';
import { bearerToken } from './bearer.js';
import { queryText } from './query.js';
import { classOf, type RateLimiter } from './rate-limit.js';
import { diaryRoutes } from './diary-routes.js';
import { meRoutes } from './me-routes.js';
import { socialRoutes } from './social-routes.js';
import { accountRoutes } from './account-routes.js';
import type { PresenceStore } from '../presence/presence-store.js';
import { hideBlocked } from '../chat/blocking.js';
import { blockedError, refuseBlocked, type BlockCache } from './block-cache.js';
import { invitationRoutes } from './invitation-routes.js';
import { requireKnownUsers } from './known-users.js';
import type { MessageSender } from './message-sender.js';
import { directRoomId, newRoomId, parseSeq, pick, roomCommand } from './chat-commands.js';

export interface RouteDeps {
  nc: NatsConnection;
  actors: ActorClient;
  verifier: AccessTokenVerifier;
  /** Counts requests per user (or address before sign-in) across replicas. */
  limiter: RateLimiter;
  presence: PresenceStore;
  blocks: BlockCache;
  messages: MessageSender;
}

export const claimsOf = (req: Request): AccessClaims => (req as Request & { claims: AccessClaims }).claims;

/**
 * Bearer authentication: 401 in the project's format when missing, bad,
 * expired or revoked; then the user's request is counted against their rate limit.
 */
export function requireAuth(verifier: AccessTokenVerifier, limiter: RateLimiter): RequestHandler {
  return async (req, res, next) => {
    const claims = await verifier.authenticate(bearerToken(req.header('authorization')));
    (req as Request & { claims: AccessClaims }).claims = claims;
    await limiter.take(classOf(req.method), claims.sub, res);
    next();
  };
}

export function roomParam(req: Request): string {
  const room = req.params.room;
  if (typeof room !== 'string' || !roomIdPattern.test(room))
    throw new ApiError('not_found', 404, 'no such room');
  return room;
}

export function queryInt(req: Request, name: string): number | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) {
    throw validationFailed(`${name} must be a non-negative whole number`, { field: name });
  }
  return Number(raw);
}

export function apiRoutes(deps: RouteDeps): Router {
  const { nc, actors, verifier, limiter, blocks, messages } = deps;
  const router = Router();
  const auth = requireAuth(verifier, limiter);
  const signIn = limiter.byAddress('auth');
  const perAccount = limiter.byAccount();
  const me = (req: Request) => claimsOf(req).sub;

  // Accounts and sessions (identity service).
  router.post('/auth/register', signIn, async (req, res) => {
    res.status(201).json(await callRpc(nc, identitySubjects.register, req.body ?? {}));
  });
  router.post('/auth/login', signIn, perAccount, async (req, res) => {
    res.json(await callRpc(nc, identitySubjects.login, req.body ?? {}));
  });
  router.post('/auth/refresh', signIn, async (req, res) => {
    res.json(await callRpc(nc, identitySubjects.refresh, req.body ?? {}));
  });
  router.post('/auth/logout', auth, async (req, res) => {
    await callRpc(nc, identitySubjects.logout, { claims: claimsOf(req), body: req.body });
    res.status(204).end();
  });
  router.get('/me', auth, async (req, res) => {
    res.json(await callRpc(nc, identitySubjects.profile, { claims: claimsOf(req) }));
  });
  router.patch('/me', auth, async (req, res) => {
    res.json(
      await callRpc(nc, identitySubjects.updateProfile, { claims: claimsOf(req), body: req.body ?? {} }),
    );
  });

  // Mood (the mood service scores; the gateway only checks who asks).
  router.post('/mood/analyze', auth, async (req, res) => {
    const { subject, model } = analyzeTargetOf(req.body);
    const noResponders = model === undefined ? undefined : () => modelNotServed(model);
    res.json(await callRpc(nc, subject, req.body ?? {}, undefined, { noResponders }));
  });

  // Rooms (room actors for writes, chat service for reads).
  router.get('/rooms', auth, async (req, res) => {
    res.json({ rooms: await callRpc(nc, chatSubjects.rooms, { user: me(req) }) });
  });
  router.post('/rooms', auth, async (req, res) => {
    const body = pick(req.body, ['name', 'visibility', 'members']);
    // The members are invited (ADR 0012): people who exist, with no block between them and the creator.
    const members = Array.isArray(body.members) ? (body.members as unknown[]) : [];
    await requireKnownUsers(nc, members, 'members');
    await refuseBlocked(blocks, me(req), members, 'members');
    const id = newRoomId();
    const { seq } = await roomCommand(actors, id, { ...body, type: 'create', kind: 'group', by: me(req) });
    res.status(201).json({ id, seq });
  });
  router.post('/direct', auth, async (req, res) => {
    const { peer } = pick(req.body, ['peer']);
    if (typeof peer !== 'string') throw validationFailed('peer must be a user id', { field: 'peer' });
    await requireKnownUsers(nc, [peer], 'peer');
    const id = directRoomId(me(req), peer);
    if (await blocks.between(me(req), peer)) throw blockedError();
    try {
      const { seq } = await roomCommand(actors, id, { type: 'create', kind: 'direct', by: me(req), peer });
      res.status(201).json({ id, seq });
    } catch (err) {
      if (!(err instanceof ApiError && err.error === 'room_exists')) throw err;
      res.status(200).json({ id }); // the one conversation of these two exists: it is the answer
    }
  });
  router.post('/rooms/:room/join', auth, async (req, res) => {
    res.json(await roomCommand(actors, roomParam(req), { type: 'join', by: me(req) }));
  });
  router.post('/rooms/:room/leave', auth, async (req, res) => {
    res.json(await roomCommand(actors, roomParam(req), { type: 'leave', by: me(req) }));
  });
  router.post('/rooms/:room/invitations', auth, async (req, res) => {
    const { user } = pick(req.body, ['user']);
    const room = roomParam(req);
    await requireKnownUsers(nc, [user], 'user');
    await refuseBlocked(blocks, me(req), [user], 'user');
    res.json(await roomCommand(actors, room, { type: 'invite', by: me(req), user }));
  });
  router.delete('/rooms/:room/members/:user', auth, async (req, res) => {
    const reason = queryText(req, 'reason');
    const command = { type: 'remove', by: me(req), user: req.params.user, ...(reason ? { reason } : {}) };
    res.json(await roomCommand(actors, roomParam(req), command));
  });

  // Messages.
  /** A room's messages or events as the user may see them: texts of users they blocked hidden. */
  const roomItems = async (subject: string, req: Request, page: object) => {
    const [items, blocked] = await Promise.all([
      callRpc<Record<string, unknown>[]>(nc, subject, { room: roomParam(req), user: me(req), ...page }),
      blocks.blockedBy(me(req)),
    ]);
    return items.map((item) => hideBlocked(blocked, item));
  };
  router.get('/rooms/:room/messages', auth, async (req, res) => {
    const page = {
      before: queryInt(req, 'before'),
      after: queryInt(req, 'after'),
      limit: queryInt(req, 'limit') ?? 50,
    };
    res.json({ messages: await roomItems(chatSubjects.history, req, page) });
  });
  router.get('/search', auth, async (req, res) => {
    const text = queryText(req, 'q') ?? '';
    const limit = queryInt(req, 'limit') ?? 50;
    const [messages, blocked] = await Promise.all([
      callRpc<{ author: string }[]>(nc, chatSubjects.search, { user: me(req), text, limit }),
      blocks.blockedBy(me(req)),
    ]);
    res.json({ messages: messages.filter((m) => !blocked.has(m.author)) });
  });
  router.get('/rooms/:room/events', auth, async (req, res) => {
    const page = { after: queryInt(req, 'after') ?? 0, limit: queryInt(req, 'limit') ?? 100 };
    res.json({ events: await roomItems(chatSubjects.events, req, page) });
  });
  router.post('/rooms/:room/messages', auth, async (req, res) => {
    res.status(201).json(await messages.send(me(req), roomParam(req), req.body));
  });
  router.patch('/rooms/:room/messages/:seq', auth, async (req, res) => {
    const { text } = pick(req.body, ['text']);
    res.json(
      await roomCommand(actors, roomParam(req), {
        type: 'edit',
        by: me(req),
        seq: parseSeq(req.params.seq),
        text,
      }),
    );
  });
  router.delete('/rooms/:room/messages/:seq', auth, async (req, res) => {
    res.json(
      await roomCommand(actors, roomParam(req), {
        type: 'delete',
        by: me(req),
        seq: parseSeq(req.params.seq),
      }),
    );
  });
  router.use(invitationRoutes(deps, auth, me));
  router.use(diaryRoutes(deps, auth, me));
  router.use(meRoutes(deps, auth, me));
  router.use(socialRoutes(deps, auth, me));
  router.use(accountRoutes(deps, auth, claimsOf));
  for (const [method, on] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    router[method]('/rooms/:room/messages/:seq/reactions/:emoji', auth, async (req, res) => {
      const command = {
        type: 'react',
        by: me(req),
        seq: parseSeq(req.params.seq),
        emoji: req.params.emoji,
        on,
      };
      res.json(await roomCommand(actors, roomParam(req), command));
    });
  }
  return router;
}
