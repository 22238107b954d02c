import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { ActorClient } from '../actors/client.js';
import type { EventStore } from '../actors/event-store.js';
import { ApiError, validationFailed } from '../kit/api-error.js';
import type { Logger } from '../kit/log.js';
import type { MoodScores } from '../mood/mood-scores.js';
import { withMessageMoods } from './message-moods.js';
import { serveRpc } from '../kit/rpc.js';
import { visibleTo } from './moderation.js';
import type { ChatReadModel } from './read-model.js';
import { userIdPattern } from './room-parse.js';
import { forgetUser } from './forget-user.js';
import { asHistoryShows, messageSeqsOf } from './served-events.js';

/** The chat service's read endpoints (writes go to the room actors directly). */
export const chatSubjects = {
  history: 'chat.v1.history',
  rooms: 'chat.v1.rooms',
  /** A user's pending invitations (`{user}`). */
  invitations: 'chat.v1.invitations',
  events: 'chat.v1.events',
  search: 'chat.v1.search',
  /** The rooms of each of some users (presence fan-out): `{users}` → `{[user]: roomIds}`. */
  memberOf: 'chat.v1.member-of',
  markRead: 'chat.v1.mark-read',
  receipts: 'chat.v1.receipts',
  unread: 'chat.v1.unread',
  /** Platform-internal (account export and deletion). */
  exportUser: 'chat.v1.export-user',
  forgetUser: 'chat.v1.forget-user',
};

/** Core NATS subject a room's read receipts are pushed on (ephemeral; the watermark itself is stored). */
export const receiptSubject = (room: string) => `chat.receipts.${room}`;

/** The most users one member-of request may ask about (one read for all of them). */
export const maxMemberOfUsers = 500;

/** The longest search query, in characters. */
export const maxSearchLength = 200;

export const roomIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const maxPage = 200;

type Raw = Record<string, unknown>;

function field(raw: Raw, name: string, pattern: RegExp): string {
  const value = raw[name];
  if (typeof value !== 'string' || !pattern.test(value))
    throw validationFailed(`${name} is malformed`, { field: name });
  return value;
}

function cursor(raw: Raw, name: string): number | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw validationFailed(`${name} must be a non-negative whole number`, { field: name });
  }
  return value as number;
}

function limit(raw: Raw): number {
  const value = raw.limit ?? 50;
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > maxPage) {
    throw validationFailed(`limit must be 1 to ${maxPage}`, { field: 'limit' });
  }
  return value as number;
}

/**
 * Only members read a room; the room actor (not the lagging read model)
 * decides, and says where the room is (its last sequence).
 */
async function requireMember(actors: ActorClient, room: string, user: string): Promise<{ lastSeq: number }> {
  const membership = await actors.query<{ member: boolean; lastSeq: number } | null>('room', room, {
    type: 'membership',
    user,
  });
  if (membership === null) throw new ApiError('not_found', 404, 'no such room');
  if (!membership.member) throw new ApiError('forbidden', 403, 'only members can read this room');
  return { lastSeq: membership.lastSeq };
}

export interface ChatDeps {
  readModel: ChatReadModel;
  /** Resolves once the read model holds every room event received so far (see Projection.settled). */
  settled(): Promise<void>;
  store: EventStore;
  actors: ActorClient;
  /** The messages' latest mood scores (the chat-message-moods projection). */
  moods: MoodScores;
}

export function serveChat(nc: NatsConnection, deps: ChatDeps, log: Logger): Subscription[] {
  const queue = 'chat';
  /** The read model once it holds every event received so far: a reader sees what it just did. */
  const settledReadModel = async () => {
    await deps.settled();
    return deps.readModel;
  };
  const request = (raw: unknown): Raw => {
    if (typeof raw !== 'object' || raw === null)
      throw validationFailed('the request must be an object', { field: 'body' });
    return raw as Raw;
  };
  /**
   * A request about one room by one user: all of it is validated first (a
   * malformed request is a 400 whoever sends it), then the user must be a member.
   */
  const memberRequest = async <T>(
    raw: unknown,
    parse: (r: Raw) => T,
  ): Promise<T & { room: string; user: string; lastSeq: number }> => {
    const r = request(raw);
    const [room, user] = [field(r, 'room', roomIdPattern), field(r, 'user', userIdPattern)];
    const parsed = parse(r);
    const { lastSeq } = await requireMember(deps.actors, room, user);
    return { ...parsed, room, user, lastSeq };
  };
  return [
    serveRpc(
      nc,
      chatSubjects.history,
      queue,
      async (raw) => {
        const { room, user, ...page } = await memberRequest(raw, (r) => {
          const [before, after] = [cursor(r, 'before'), cursor(r, 'after')];
          if (before !== undefined && after !== undefined)
            throw validationFailed('give before or after, not both', { field: 'before' });
          return { before, after, limit: limit(r) };
        });
        const messages = await (await settledReadModel()).history(room, page);
        return withMessageMoods(
          deps.moods,
          messages.map((m) => visibleTo(user, m)),
        );
      },
      log,
    ),
    serveRpc(
      nc,
      chatSubjects.rooms,
      queue,
      async (raw) => {
        const user = field(request(raw), 'user', userIdPattern);
        const rooms = await (await settledReadModel()).roomsOf(user);
        return rooms.map(({ _id, ...room }) => ({ id: _id, ...room }));
      },
      log,
    ),
    serveRpc(
      nc,
      chatSubjects.invitations,
      queue,
      async (raw) => (await settledReadModel()).invitationsOf(field(request(raw), 'user', userIdPattern)),
      log,
    ),
    serveRpc(
      nc,
      chatSubjects.memberOf,
      queue,
      async (raw) => {
        const { users } = request(raw);
        if (!Array.isArray(users) || users.length === 0 || users.length > maxMemberOfUsers)
          throw validationFailed(`users must be a list of 1 to ${maxMemberOfUsers} user ids`, {
            field: 'users',
          });
        return (await settledReadModel()).roomIdsOfMany(
          users.map((user) => field({ user }, 'user', userIdPattern)),
        );
      },
      log,
    ),
    /** Moves the user's read watermark in a room up to `seq`, and tells the room. */
    serveRpc(
      nc,
      chatSubjects.markRead,
      queue,
      async (raw) => {
        const { room, user, seq } = await memberRequest(raw, (r) => ({ seq: cursor(r, 'seq') ?? 0 }));
        const marked = await (await settledReadModel()).markRead(user, room, seq);
        if (marked.moved) nc.publish(receiptSubject(room), JSON.stringify({ room, user, seq: marked.seq }));
        return marked.unread === undefined
          ? { seq: marked.seq }
          : { seq: marked.seq, readSeq: marked.seq, unread: marked.unread };
      },
      log,
    ),
    /** One member's watermark and unread count in one room: two reads by id, whatever the room's size. */
    serveRpc(
      nc,
      chatSubjects.unread,
      queue,
      async (raw) => {
        const { room, user } = await memberRequest(raw, () => ({}));
        const unread = await (await settledReadModel()).unread(user, room);
        return unread ?? { readSeq: 0, unread: 0 };
      },
      log,
    ),
    /** The members' watermarks in a room, and the asking member's unread count. */
    serveRpc(
      nc,
      chatSubjects.receipts,
      queue,
      async (raw) => {
        const { room, user, count } = await memberRequest(raw, (r) => ({ count: limit(r) }));
        const model = await settledReadModel();
        const [receipts, mine] = await Promise.all([model.receipts(room, count), model.unread(user, room)]);
        return { receipts, readSeq: mine?.readSeq ?? 0, unread: mine?.unread ?? 0 };
      },
      log,
    ),
    serveRpc(
      nc,
      chatSubjects.exportUser,
      queue,
      async (raw) => {
        const user = field(request(raw), 'user', userIdPattern);
        const model = await settledReadModel();
        const [rooms, messages] = await Promise.all([model.roomsOf(user), model.authoredBy(user)]);
        return {
          rooms: rooms.map(({ _id, ...room }) => ({ id: _id, ...room })),
          messages: await withMessageMoods(deps.moods, messages),
        };
      },
      log,
    ),
    serveRpc(
      nc,
      chatSubjects.forgetUser,
      queue,
      async (raw) => forgetUser(nc, deps, field(request(raw), 'user', userIdPattern)),
      log,
    ),
    /** Messages of the user's rooms containing every word of `text`. */
    serveRpc(
      nc,
      chatSubjects.search,
      queue,
      async (raw) => {
        const r = request(raw);
        const user = field(r, 'user', userIdPattern);
        if (typeof r.text !== 'string' || r.text.trim().length === 0 || r.text.length > maxSearchLength)
          throw validationFailed(`q must be 1 to ${maxSearchLength} characters`, { field: 'q' });
        return withMessageMoods(deps.moods, await (await settledReadModel()).search(user, r.text, limit(r)));
      },
      log,
    ),
    /** Every event of a room after a sequence, for a client resuming after a reconnect. */
    serveRpc(
      nc,
      chatSubjects.events,
      queue,
      async (raw) => {
        const { room, user, after, count, lastSeq } = await memberRequest(raw, (r) => ({
          after: cursor(r, 'after') ?? 0,
          count: limit(r),
        }));
        // A client that is level with the room (most reconnects) costs no event-store read.
        if (after >= lastSeq) return [];
        const stored = await deps.store.readStream(`room/${room}`, after, count);
        // Served as history shows each message now: no deleted text, no text from before an edit.
        const events = stored.map((e) => ({ seq: e.version, data: e.data as Record<string, unknown> }));
        const history = await (await settledReadModel()).currentMessages(room, messageSeqsOf(events));
        const shown = asHistoryShows(events, history);
        return events.map(({ seq }, i) => ({ room, seq, ...visibleTo(user, shown[i]!) }));
      },
      log,
    ),
  ];
}
