import { type NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '../kit/nats-connect.js';
import { MongoClient, type Collection } from 'mongodb';
import { ActorClient } from '../actors/client.js';
import { userIdPattern } from '../actors/command-fields.js';
import { actorHostSettings } from '../actors/service-main.js';
import type { RoomSummary } from '../chat/room.js';
import { diarySubjects } from '../diary/endpoints.js';
import type { FoundHelpful } from '../diary/shared-entries.js';
import { lookUpPeople } from '../identity/people.js';
import { ApiError, validationFailed } from '../kit/api-error.js';
import { jsonObject } from '../kit/json-object.js';
import { callRpc, serveRpc } from '../kit/rpc.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { portraitSubjects } from '../portrait/endpoints.js';
import type { Portrait } from '../portrait/portrait-store.js';
import { matchReasons, type Reason } from './explain.js';
import { PortraitIndex } from './portrait-index.js';
import { subscribeJson } from '../kit/nats-subscribe.js';
import { recommendEntries, recommendRooms } from './recommend.js';
import { portraitVector, vectorDims } from './vector.js';

export const matchingSettings = {
  natsUrl: actorHostSettings.natsUrl,
  mongoUrl: actorHostSettings.mongoUrl,
  mongoDb: actorHostSettings.mongoDb,
  partitions: actorHostSettings.partitions,
};

export const matchingSubjects = {
  optIn: 'matching.v1.opt-in',
  /** Platform-internal: whether a user opted in (their data export). */
  status: 'matching.v1.status',
  /** Platform-internal: a deleted account leaves matching and its opt-in record goes. */
  forget: 'matching.v1.forget',
  matches: 'matching.v1.matches',
  recommendations: 'matching.v1.recommendations',
  /** Core NATS: someone opted in or out (every replica updates its index). */
  changed: 'matching.v1.changed',
};

interface OptInDoc {
  _id: string;
  optIn: boolean;
  at: number;
}

export interface Match {
  user: string;
  displayName: string;
  similarity: number;
  reasons: Reason[];
}

/**
 * Who is like whom, among people who agreed: an in-memory index of the
 * opted-in users' portraits (filled from the portrait service, kept current
 * from its announcements), opt-in kept in MongoDB.
 */
class MatchingIndex {
  readonly index = new PortraitIndex(vectorDims);
  readonly portraits = new Map<string, Portrait>();

  put(portrait: Portrait): void {
    const vector = portraitVector(portrait);
    if (!vector) return;
    this.index.upsert(portrait.user, vector);
    this.portraits.set(portrait.user, portrait);
  }

  drop(user: string): void {
    this.index.remove(user);
    this.portraits.delete(user);
  }

  /** Who agreed to matching: kept here so a portrait update needs no database read to be judged. */
  readonly optedIn = new Set<string>();

  optIn(portrait: Portrait): void {
    this.optedIn.add(portrait.user);
    this.put(portrait);
  }

  optOut(user: string): void {
    this.optedIn.delete(user);
    this.drop(user);
  }
}

function userOf(value: unknown): string {
  if (typeof value !== 'string' || !userIdPattern.test(value))
    throw validationFailed('user is malformed', { field: 'user' });
  return value;
}

function limitOf(value: unknown): number {
  const limit = value ?? 10;
  if (!Number.isSafeInteger(limit) || (limit as number) < 1 || (limit as number) > 50)
    throw validationFailed('limit must be 1 to 50', { field: 'limit' });
  return limit as number;
}

async function loadOptedIn(
  nc: NatsConnection,
  optIns: Collection<OptInDoc>,
  state: MatchingIndex,
): Promise<void> {
  const users = (await optIns.find({ optIn: true }).toArray()).map((d) => d._id);
  for (const user of users) state.optedIn.add(user);
  for (let i = 0; i < users.length; i += 1000) {
    const portraits = await callRpc<Portrait[]>(nc, portraitSubjects.many, {
      users: users.slice(i, i + 1000),
    });
    for (const portrait of portraits) state.put(portrait);
  }
}

export async function startMatchingService(
  config: { natsUrl: string; mongoUrl: string; mongoDb: string; partitions: number },
  ctx: ServiceContext,
): Promise<StartedService> {
  const { log } = ctx;
  const nc = await connectNats({ servers: config.natsUrl, name: 'matching' });
  const mongo = await MongoClient.connect(config.mongoUrl);
  const optIns = mongo.db(config.mongoDb).collection<OptInDoc>('matching_optins');
  const actors = new ActorClient(nc, config.partitions);
  const state = new MatchingIndex();
  const optedIn = async (user: string) => (await optIns.findOne({ _id: user }))?.optIn === true;
  const portraitOf = (user: string) => callRpc<Portrait>(nc, portraitSubjects.get, { user });

  const follow = (subject: string, handle: (body: unknown) => Promise<void>) =>
    subscribeJson<unknown>(
      nc,
      subject,
      (body) =>
        void handle(body).catch((e: unknown) =>
          log.warn('matching could not apply an update', { subject, error: e }),
        ),
      log,
    );
  const subscriptions = [
    follow(portraitSubjects.updated, async (body) => {
      const portrait = body as Portrait;
      if (typeof portrait?.user === 'string' && state.optedIn.has(portrait.user)) state.put(portrait);
    }),
    follow(matchingSubjects.changed, async (body) => {
      const { user, optIn } = body as { user: string; optIn: boolean };
      if (optIn) state.optIn(await portraitOf(user));
      else state.optOut(user);
    }),
  ];
  // Fill the index; retried until the portrait service answers.
  const loading = (async () => {
    for (;;) {
      try {
        await loadOptedIn(nc, optIns, state);
        log.info('matching index loaded', { users: state.index.size });
        return;
      } catch (err) {
        log.warn('matching could not load portraits yet; retrying', { error: err });
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  })();

  const queue = 'matching';
  const endpoints = [
    serveRpc(
      nc,
      matchingSubjects.optIn,
      queue,
      async (raw) => {
        const r = jsonObject(raw, ['user', 'optIn']);
        const user = userOf(r.user);
        if (typeof r.optIn !== 'boolean')
          throw validationFailed('optIn must be true or false', { field: 'optIn' });
        await optIns.updateOne({ _id: user }, { $set: { optIn: r.optIn, at: Date.now() } }, { upsert: true });
        // This replica at once (so the answer holds), the others through the announcement.
        if (r.optIn) state.optIn(await portraitOf(user));
        else state.optOut(user);
        nc.publish(matchingSubjects.changed, JSON.stringify({ user, optIn: r.optIn }));
        return { optIn: r.optIn };
      },
      log,
    ),
    serveRpc(
      nc,
      matchingSubjects.status,
      queue,
      async (raw) => {
        const doc = await optIns.findOne({ _id: userOf(jsonObject(raw, ['user']).user) });
        return { optIn: doc?.optIn === true, ...(doc ? { at: doc.at } : {}) };
      },
      log,
    ),
    serveRpc(
      nc,
      matchingSubjects.forget,
      queue,
      async (raw) => {
        const user = userOf(jsonObject(raw, ['user']).user);
        await optIns.deleteOne({ _id: user });
        state.optOut(user);
        nc.publish(matchingSubjects.changed, JSON.stringify({ user, optIn: false }));
        return null;
      },
      log,
    ),
    serveRpc(
      nc,
      matchingSubjects.matches,
      queue,
      async (raw) => {
        const r = jsonObject(raw, ['user', 'limit']);
        const [user, limit] = [userOf(r.user), limitOf(r.limit)];
        if (!(await optedIn(user)))
          throw new ApiError('forbidden', 403, 'opt in to matching first (PUT /api/v1/me/matching)');
        const me = await portraitOf(user);
        const vector = portraitVector(me);
        if (!vector) return { matches: [] };
        const nearest = state.index.nearest(vector, limit, new Set([user]));
        // Named as they chose to be seen; someone whose account is gone is no match.
        const people = new Map(
          (
            await lookUpPeople(
              nc,
              nearest.map((n) => n.id),
            )
          ).map((p) => [p.id, p]),
        );
        const matches: Match[] = nearest
          .filter(({ id }) => people.has(id))
          .map(({ id, score }) => ({
            user: id,
            displayName: people.get(id)!.displayName,
            similarity: Math.round(score * 1000) / 1000,
            reasons: matchReasons(me, state.portraits.get(id)!),
          }));
        return { matches };
      },
      log,
    ),
    serveRpc(
      nc,
      matchingSubjects.recommendations,
      queue,
      async (raw) => {
        const r = jsonObject(raw, ['user', 'limit']);
        const [user, limit] = [userOf(r.user), limitOf(r.limit)];
        const me = await portraitOf(user);
        const vector = portraitVector(me);
        if (!vector) return { rooms: [], entries: [] };
        const nearest = state.index.nearest(vector, 20, new Set([user]));
        const similar = nearest.map(({ id, score }) => ({
          portrait: state.portraits.get(id)!,
          similarity: score,
        }));
        // Rooms are still worth showing when the diary service cannot answer right now.
        const found = await callRpc<FoundHelpful[]>(nc, diarySubjects.foundHelpful, {
          people: nearest.map((n) => n.id),
          reader: user,
        }).catch((err: unknown) => {
          log.warn('no entry recommendations: the diary service did not answer', { error: err });
          return [];
        });
        const entries = recommendEntries(
          me,
          nearest.map(({ id, score }) => ({ user: id, similarity: score })),
          found,
          limit,
        );
        const candidates = recommendRooms(me, similar, limit * 3);
        // Only public rooms the user is not in, as the rooms themselves say now.
        const rooms = [];
        for (const candidate of candidates) {
          const summary = await actors
            .query<RoomSummary | null>('room', candidate.room, { type: 'summary' })
            .catch(() => null);
          if (summary?.visibility !== 'public' || summary.members[user] !== undefined) continue;
          rooms.push({
            room: candidate.room,
            name: summary.name,
            score: candidate.score,
            reasons: candidate.reasons,
          });
          if (rooms.length === limit) break;
        }
        return { rooms, entries };
      },
      log,
    ),
  ];
  return {
    checks: [{ name: 'mongodb', check: async () => void (await mongo.db('admin').command({ ping: 1 })) }],
    async stop() {
      for (const sub of [...endpoints, ...subscriptions]) sub.unsubscribe();
      await Promise.race([loading, new Promise((r) => setTimeout(r, 100))]);
      await nc.drain();
      await mongo.close();
    },
  };
}
