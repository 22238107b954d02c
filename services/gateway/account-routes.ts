import { Router, type Request, type RequestHandler } from 'express';
import { chatSubjects } from '../chat/endpoints.js';
import { diarySubjects } from '../diary/endpoints.js';
import { identitySubjects } from '../identity/endpoints.js';
import type { AccessClaims } from '../identity/tokens.js';
import { callRpc } from '../kit/rpc.js';
import { matchingSubjects } from '../matching/matching-service.js';
import { notificationSubjects } from '../notifications/notification-service.js';
import { portraitSubjects } from '../portrait/endpoints.js';
import { actorCommand, pick } from './chat-commands.js';
import type { RouteDeps } from './routes.js';

// A user's own data: all of it as JSON (export), and account deletion, which
// asks every service to forget the user, the account itself last, so a
// deletion that fails half-way can be retried with the same password.

/** Everything MetaChat holds about a user, from each service that holds some. */
export async function exportAccount({ nc }: RouteDeps, claims: AccessClaims) {
  const user = claims.sub;
  const [profile, blocks, chat, diary, portrait, matching, notifications] = await Promise.all([
    callRpc(nc, identitySubjects.profile, { claims }),
    callRpc<{ blocked: unknown[] }>(nc, identitySubjects.blocks, { user }),
    callRpc<{ rooms: unknown[]; messages: unknown[] }>(nc, chatSubjects.exportUser, { user }),
    callRpc<{ entries: unknown[]; helpfulMarks: unknown[] }>(nc, diarySubjects.exportUser, { user }),
    callRpc(nc, portraitSubjects.get, { user }),
    callRpc(nc, matchingSubjects.status, { user }),
    callRpc<{ notifications: unknown[] }>(nc, notificationSubjects.exportUser, { user }),
  ]);
  return {
    format: 'metachat-export/v1',
    exportedAt: new Date().toISOString(),
    profile,
    blocked: blocks.blocked,
    rooms: chat.rooms,
    messages: chat.messages,
    diary: diary.entries,
    helpfulMarks: diary.helpfulMarks,
    portrait,
    matching,
    notifications: notifications.notifications,
  };
}

/** Deletes an account after its password is confirmed; every step is idempotent. */
export async function deleteAccount(deps: RouteDeps, claims: AccessClaims, body: unknown): Promise<void> {
  const { nc, actors, presence } = deps;
  const user = claims.sub;
  await callRpc(nc, identitySubjects.confirmPassword, { claims, body: pick(body, ['password']) });
  // Revoked first: no other session of the account writes anything while it is erased.
  await callRpc(nc, identitySubjects.endOtherLogins, { claims });
  await actorCommand(actors, { type: 'diary', id: user, noun: 'diary' }, { type: 'erase' });
  await callRpc(nc, diarySubjects.forgetUser, { user }, 30_000);
  await callRpc(nc, chatSubjects.forgetUser, { user }, 60_000);
  await callRpc(nc, portraitSubjects.forget, { user });
  await callRpc(nc, matchingSubjects.forget, { user });
  await callRpc(nc, notificationSubjects.forget, { user });
  await presence.forget(user);
  await callRpc(nc, identitySubjects.deleteAccount, { claims });
}

export function accountRoutes(
  deps: RouteDeps,
  auth: RequestHandler,
  claimsOf: (req: Request) => AccessClaims,
): Router {
  const router = Router();
  router.get('/me/export', auth, async (req, res) => {
    res.setHeader('content-disposition', 'attachment; filename="metachat-export.json"');
    res.json(await exportAccount(deps, claimsOf(req)));
  });
  // POST with a body, not DELETE /me: the password goes in the body, and DELETE bodies are not read.
  router.post('/me/deletion', auth, async (req, res) => {
    await deleteAccount(deps, claimsOf(req), req.body);
    res.status(204).end();
  });
  return router;
}
