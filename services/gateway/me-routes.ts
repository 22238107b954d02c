import { Router, type Request, type RequestHandler } from 'express';
import { validationFailed } from '../kit/api-error.js';
import { callRpc } from '../kit/rpc.js';
import { matchingSubjects } from '../matching/matching-service.js';
import { portraitSubjects } from '../portrait/endpoints.js';
import { pick } from './chat-commands.js';
import { queryText } from './query.js';
import type { RouteDeps } from './routes.js';

function queryLimit(req: Request): number | undefined {
  const raw = queryText(req, 'limit');
  if (raw === undefined) return undefined;
  if (!/^\d{1,3}$/.test(raw)) throw validationFailed('limit must be a whole number', { field: 'limit' });
  return Number(raw);
}

/** The signed-in user's portrait, timeline, matching opt-in, matches and recommendations. */
export function meRoutes({ nc }: RouteDeps, auth: RequestHandler, me: (req: Request) => string): Router {
  const router = Router();
  router.get('/me/portrait', auth, async (req, res) => {
    res.json(await callRpc(nc, portraitSubjects.get, { user: me(req) }));
  });
  router.get('/me/portrait/timeline', auth, async (req, res) => {
    const [period, from, to] = ['period', 'from', 'to'].map((name) => queryText(req, name));
    const query = {
      user: me(req),
      ...(period ? { period } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    res.json({ points: await callRpc(nc, portraitSubjects.timeline, query) });
  });
  router.put('/me/matching', auth, async (req, res) => {
    const { optIn } = pick(req.body, ['optIn']);
    res.json(await callRpc(nc, matchingSubjects.optIn, { user: me(req), optIn }));
  });
  router.get('/me/matches', auth, async (req, res) => {
    const limit = queryLimit(req);
    res.json(await callRpc(nc, matchingSubjects.matches, { user: me(req), ...(limit ? { limit } : {}) }));
  });
  router.get('/me/recommendations', auth, async (req, res) => {
    const limit = queryLimit(req);
    res.json(
      await callRpc(nc, matchingSubjects.recommendations, { user: me(req), ...(limit ? { limit } : {}) }),
    );
  });
  return router;
}
