import { DeliverPolicy, jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ActorClient } from '../actors/client.js';
import type { PublishedEvent } from '../actors/envelope.js';
import { streams, subjects } from '../actors/topology.js';
import { hideBlocked } from '../chat/blocking.js';
import { visibleTo } from '../chat/moderation.js';
import { chatSubjects, receiptSubject, roomIdPattern } from '../chat/endpoints.js';
import type { AccessTokenVerifier } from '../identity/verifier.js';
import { ApiError, validationFailed } from '../kit/api-error.js';
import type { Logger } from '../kit/log.js';
import { subscribeJson } from '../kit/nats-subscribe.js';
import { callRpc } from '../kit/rpc.js';
import { Semaphore } from '../kit/semaphore.js';
import { isDeviceState } from '../presence/presence.js';
import type { PresenceStore } from '../presence/presence-store.js';
import {
  closeMisbehaving,
  drained,
  sendFrame as send,
  type Fanout,
  type LiveClient as Client,
  type PendingSubscription,
  type RoomSubscription,
} from './fanout.js';
import { toApiError } from './http.js';
import type { MessageSender } from './message-sender.js';
import type { RateLimiter } from './rate-limit.js';
import type { BlockCache } from './block-cache.js';
import {
  endsMembership,
  isMembershipEnd,
  msUntilExpiry,
  needsCatchUp,
  subscriptionRefusal,
  type Membership,
} from './live-rules.js';
import { PresenceRelay } from './presence-relay.js';
import { RevocationWatch, type WatchedToken } from './revocation-watch.js';
import { RoomCursor, type RoomEventFrame } from './room-cursor.js';
import { eventFrame, SharedFrames } from './shared-frames.js';
import { TypingRelay } from './typing-relay.js';
import { MoodRelay } from './mood-relay.js';

// Live delivery over WebSocket at /ws?access_token=…
//   client → {"type":"subscribe","rooms":[{"room":"r_1","after":42}]}
//            {"type":"unsubscribe","rooms":["r_1"]}   {"type":"ping"}
//            {"type":"heartbeat","state":"active"|"away"}   {"type":"typing","room":"r_1"}
//            {"type":"send","room":"r_1","text":"hi","clientId":"c1"}   (a message, as POST …/messages)
//   server → {"type":"event","room":"r_1","seq":43,"event":{...}}
//            {"type":"subscribed","room":"r_1","after":42}  {"type":"unsubscribed","room":"r_1","reason":"..."}
//            {"type":"caught-up","room":"r_1","seq":50}   (history delivered; live from here)
//            {"type":"presence","users":[{"user","status","lastSeen"}]}
//            {"type":"typing","room","user","typing":true|false,"expiresAt"?}
//            {"type":"receipt","room","user","seq"}
//            {"type":"mood","room","seq","moodScore":{...}}   (a message's score, moments after it; mood-relay.ts)
//            {"type":"sent","room":"r_1","clientId":"c1","seq":44}   (the send's answer; errors name the clientId)
//            {"type":"error","error":"...","message":"...","code":403,"room"?:"r_1"}  {"type":"pong"}
// A subscription is confirmed with "subscribed" only once chat says the user
// is a member; until then nothing of the room (events, typing, receipts,
// presence) reaches the socket. A refusal is an error frame naming the room
// and nothing else: 403 forbidden (not a member), 404 not_found, 400
// validation_failed with details {field: "after", lastSeq} (an `after` beyond
// the room's end), 503 unavailable (chat did not answer: ask again), 429
// too_many_rooms. The member's own leave or removal ends it ("unsubscribed");
// a leave replayed from history before a rejoin does not.
// Each subscribed room goes through a RoomCursor, so history (catch-up after
// `after`) and live events merge into one gap-free, duplicate-free sequence.
// A connection is a device for presence: online while the socket is open,
// away when its heartbeats say so, offline on close.
// Close codes: 4401 sign in again (token invalid, revoked, or expired: an
// open socket closes at its token's expiry); 4429 too many sockets of this
// user on this gateway; 4408 slow consumer (unsent bytes passed the backlog
// limit); 1008 too many frames before the token was checked; 1013 a service
// the connection needs did not answer, try again.

const pageSize = 200;
const maxRoomsPerSocket = 500;
/** Frames held per socket while its token is checked; more closes it (1008). */
const maxEarlyFrames = 64;
/** Chat reads in flight per gateway (membership checks, history pages): a reconnect storm queues here instead of timing out in chat. */
const historyConcurrency = 8;
/** Sends awaiting their answer per socket: a client that floods waits for answers instead of queueing without bound. */
const maxSendsInFlight = 64;

/** Limits of one gateway's live sockets (settings). */
export interface LiveLimits {
  /** Sockets one user may hold open on this gateway. */
  maxSocketsPerUser: number;
  /** Unsent bytes a socket may hold before it is closed as a slow reader. */
  maxBacklogBytes: number;
}

/** Sizes of the hub's state, for /metrics: what a hostile client could make grow. */
export interface LiveStats {
  sockets: number;
  /** Sockets closed by the gateway whose client has not yet taken in the close (a slow reader's last bytes). */
  closing: number;
  /** Sockets whose token is still being checked. */
  unauthenticated: number;
  /** Frames held for those sockets. */
  earlyFrames: number;
  /** Rooms with at least one confirmed subscriber here. */
  rooms: number;
  subscriptions: number;
  pendingSubscriptions: number;
  usersWithSockets: number;
}

export class LiveHub implements Fanout {
  readonly #wss: WebSocketServer;
  /** Confirmed subscribers per room: the fan-out of events, typing, receipts and presence. */
  readonly #byRoom = new Map<string, Set<Client>>();
  /** Subscribers per room waiting for chat's answer: only the sequences passing by are noted. */
  readonly #pendingByRoom = new Map<string, Set<Client>>();
  readonly #clients = new Map<WebSocket, Client>();
  /** Sockets per user, counted from the token's check on (the per-user cap). */
  readonly #socketsOf = new Map<string, number>();
  #unauthenticated = 0;
  #earlyFrames = 0;
  #events: ConsumerMessages | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #presenceKeeper: NodeJS.Timeout | undefined;
  #receipts: Subscription | undefined;
  #connected = false;
  readonly #presence: PresenceRelay;
  readonly #typing: TypingRelay;
  readonly #moods: MoodRelay;
  readonly #history = new Semaphore(historyConcurrency);
  readonly #revocations: RevocationWatch;

  constructor(
    server: Server,
    private readonly deps: {
      nc: NatsConnection;
      actors: ActorClient;
      verifier: AccessTokenVerifier;
      log: Logger;
      maxFrameBytes: number;
      presence: PresenceStore;
      typingTtlMs: number;
      blocks: BlockCache;
      messages: MessageSender;
      limiter: RateLimiter;
      limits: LiveLimits;
    },
  ) {
    this.#wss = new WebSocketServer({ server, path: '/ws', maxPayload: deps.maxFrameBytes });
    this.#wss.on('connection', (ws, req) => void this.#accept(ws, req));
    this.#presence = new PresenceRelay({ nc: deps.nc, store: deps.presence, fanout: this, log: deps.log });
    this.#typing = new TypingRelay({ nc: deps.nc, fanout: this, ttlMs: deps.typingTtlMs, log: deps.log });
    this.#moods = new MoodRelay({ nc: deps.nc, fanout: this, log: deps.log });
    this.#revocations = new RevocationWatch({ nc: deps.nc, verifier: deps.verifier, log: deps.log });
    deps.blocks.onChange((user) => void this.#reloadBlocks(user));
  }

  async #reloadBlocks(user: string): Promise<void> {
    const clients = [...this.#clients.values()].filter((c) => c.user === user);
    if (clients.length === 0) return;
    const blocked = await this.deps.blocks.blockedBy(user).catch(() => undefined);
    if (blocked) for (const client of clients) client.blocked = blocked;
  }

  clientsIn(rooms: Iterable<string>): Set<Client> {
    const clients = new Set<Client>();
    for (const room of rooms) for (const client of this.#byRoom.get(room) ?? []) clients.add(client);
    return clients;
  }

  send(client: Client, message: unknown): void {
    send(client, message);
  }

  /** True once live room events are flowing from JetStream. */
  get connected(): boolean {
    return this.#connected;
  }

  stats(): LiveStats {
    let subscriptions = 0;
    let pendingSubscriptions = 0;
    let closing = 0;
    for (const client of this.#clients.values()) {
      subscriptions += client.rooms.size;
      pendingSubscriptions += client.pending.size;
      if (client.ws.readyState === client.ws.CLOSING) closing++;
    }
    return {
      sockets: this.#clients.size,
      closing,
      unauthenticated: this.#unauthenticated,
      earlyFrames: this.#earlyFrames,
      rooms: this.#byRoom.size,
      subscriptions,
      pendingSubscriptions,
      usersWithSockets: this.#socketsOf.size,
    };
  }

  async start(): Promise<void> {
    this.#heartbeat = setInterval(() => this.#checkAlive(), 30_000);
    this.#presenceKeeper = setInterval(
      () => this.#presence.keepConnected(this.#clients.values()),
      this.deps.presence.ttlMs / 3,
    );
    this.#presence.start();
    this.#typing.start();
    this.#revocations.start();
    this.#moods.start();
    this.#receipts = subscribeJson<{ room: string; user: string; seq: number }>(
      this.deps.nc,
      receiptSubject('*'),
      (receipt) => {
        for (const client of this.clientsIn([receipt.room])) send(client, { type: 'receipt', ...receipt });
      },
      this.deps.log,
    );
    void this.#follow();
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearInterval(this.#presenceKeeper);
    await this.#presence.close([...this.#clients.values()]);
    this.#typing.close();
    this.#revocations.close();
    this.#receipts?.unsubscribe();
    this.#moods.close();
    await this.#events?.close();
    for (const ws of this.#wss.clients) ws.close(1001, 'server going away');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  /** One ordered consumer of every room event from now on, fanned out to subscribers. */
  async #follow(): Promise<void> {
    const js = jetstream(this.deps.nc);
    while (!this.#events) {
      try {
        const consumer = await js.consumers.get(streams.events('room'), {
          filter_subjects: [subjects.allEvents('room')],
          deliver_policy: DeliverPolicy.New,
        });
        // A callback, not the async iterator: no promise and iterator step per event on the hottest path.
        this.#events = await consumer.consume({ callback: (msg) => this.#onRoomEvent(msg) });
      } catch {
        await new Promise((r) => setTimeout(r, 500)); // the chat service has not created the stream yet
      }
    }
    this.#connected = true;
  }

  #onRoomEvent(msg: JsMsg): void {
    try {
      const event = msg.json<PublishedEvent>();
      if (event.data.type === 'MessageSent')
        this.#typing.messageSent(event.actorId, String(event.data.author));
      this.#moods.sawEvent(event.actorId, event.version, event.data);
      this.#deliver(event.actorId, [{ room: event.actorId, seq: event.version, ...event.data }]);
    } catch (err) {
      // A throw would stop the consumer (live delivery for every room); a bad event is skipped.
      this.deps.log.error('a room event could not be delivered', { subject: msg.subject, error: err });
    }
  }

  async #accept(ws: WebSocket, req: IncomingMessage): Promise<void> {
    // Frames can arrive while the token is being checked: a few are held until then.
    const early: [string, boolean][] = [];
    const session: { client?: Client } = {};
    this.#unauthenticated++;
    let authenticating = true;
    const authenticated = () => {
      if (!authenticating) return;
      authenticating = false;
      this.#unauthenticated--;
      this.#earlyFrames -= early.length;
    };
    ws.once('close', authenticated);
    ws.on('message', (data, isBinary) => {
      if (session.client) return void this.#onMessage(session.client, data.toString(), isBinary);
      if (!authenticating) return; // refused or closing: nothing more is read
      if (early.length >= maxEarlyFrames) return closeMisbehaving(ws, 1008, 'too_many_frames');
      early.push([data.toString(), isBinary]);
      this.#earlyFrames++;
    });
    ws.on('error', () => undefined); // invalid frames close the socket with a reason; nothing to crash
    const bearer = new URL(req.url ?? '/', 'http://x').searchParams.get('access_token') ?? '';
    let token: WatchedToken;
    let blocked: Set<string>;
    try {
      const claims = this.deps.verifier.verify(bearer);
      if (!this.#countSocket(ws, claims.sub)) {
        authenticated();
        return ws.close(4429, 'too_many_connections');
      }
      // Watched before Redis is asked, so a revocation announced in between is not missed.
      token = this.#revocations.watch(claims, () => ws.close(4401, 'token_revoked'));
      ws.once('close', () => token.stop());
      this.#closeAtExpiry(ws, claims.exp);
      await this.deps.verifier.notRevoked(claims);
      blocked = await this.deps.blocks.blockedBy(claims.sub);
    } catch (err) {
      authenticated();
      // 4401: sign in again; 1013: a service it needs did not answer, try again later.
      if (err instanceof ApiError && err.status !== 401) ws.close(1013, err.error);
      else ws.close(4401, err instanceof ApiError ? err.error : 'unauthorized');
      return;
    }
    if (ws.readyState !== ws.OPEN) return; // closed meanwhile (revoked, or the client left)
    const accepted: Client = {
      ws,
      user: token.claims.sub,
      device: randomBytes(9).toString('base64url'),
      rooms: new Map(),
      pending: new Map(),
      alive: true,
      blocked,
      token,
      sending: 0,
      maxBacklogBytes: this.deps.limits.maxBacklogBytes,
    };
    this.#clients.set(ws, accepted);
    ws.on('pong', () => (accepted.alive = true));
    ws.on('close', () => {
      if (!this.#clients.delete(ws)) return;
      this.#typing.forget(accepted);
      for (const room of accepted.rooms.keys()) removeFrom(this.#byRoom, room, accepted);
      for (const room of accepted.pending.keys()) removeFrom(this.#pendingByRoom, room, accepted);
      accepted.rooms.clear();
      accepted.pending.clear(); // a membership answer still on its way finds nothing to confirm
      void this.#presence.disconnected(accepted).catch(() => undefined); // the TTL ends it otherwise
    });
    await this.#presence.connected(accepted).catch((err: unknown) => {
      this.deps.log.warn('presence not recorded', { error: err });
    });
    // Frames held so far go first, in order; only then do new ones go straight through.
    authenticated();
    for (const [text, isBinary] of early.splice(0)) void this.#onMessage(accepted, text, isBinary);
    session.client = accepted;
  }

  /** Counts a socket of `user` until it closes; false (not counted) when the user has the most allowed here. */
  #countSocket(ws: WebSocket, user: string): boolean {
    const open = this.#socketsOf.get(user) ?? 0;
    if (open >= this.deps.limits.maxSocketsPerUser) return false;
    this.#socketsOf.set(user, open + 1);
    ws.once('close', () => {
      const left = (this.#socketsOf.get(user) ?? 1) - 1;
      if (left > 0) this.#socketsOf.set(user, left);
      else this.#socketsOf.delete(user);
    });
    return true;
  }

  /** Closes the socket (4401) when its token expires: it delivers nothing after that. */
  #closeAtExpiry(ws: WebSocket, exp: number): void {
    let timer: NodeJS.Timeout;
    const arm = () => {
      timer = setTimeout(
        () => {
          if (msUntilExpiry(exp, Date.now()) > 0) return arm(); // beyond the longest timer: wait again
          ws.close(4401, 'token_expired');
        },
        msUntilExpiry(exp, Date.now()),
      );
    };
    arm();
    ws.once('close', () => clearTimeout(timer));
  }

  async #onMessage(client: Client, text: string, isBinary: boolean): Promise<void> {
    let message: {
      type?: unknown;
      rooms?: unknown;
      state?: unknown;
      room?: unknown;
      [field: string]: unknown;
    };
    try {
      if (isBinary) throw new Error('binary frames are not spoken here');
      message = JSON.parse(text) as typeof message;
      if (typeof message !== 'object' || message === null) throw new Error('a message is a JSON object');
    } catch (err) {
      return send(client, {
        type: 'error',
        ...validationFailed((err as Error).message, { field: 'body' }).toJSON(),
      });
    }
    if (message.type === 'ping') return send(client, { type: 'pong' });
    if (message.type === 'heartbeat') {
      const state = message.state ?? 'active';
      if (!isDeviceState(state)) {
        const error = validationFailed('state must be active or away', { field: 'state' });
        return send(client, { type: 'error', ...error.toJSON() });
      }
      client.alive = true;
      return this.#presence.heartbeat(client, state).catch(() => undefined);
    }
    if (message.type === 'typing') {
      const room = message.room;
      if (typeof room !== 'string' || !client.rooms.has(room)) {
        const error = validationFailed('typing needs a room you are subscribed to', { field: 'room' });
        return send(client, { type: 'error', ...error.toJSON() });
      }
      this.#typing.signal(client, room);
      return;
    }
    if (message.type === 'subscribe' && Array.isArray(message.rooms)) {
      for (const entry of message.rooms) this.#subscribe(client, entry); // as many as a frame holds
      return;
    }
    if (message.type === 'send') return this.#sendMessage(client, message);
    if (message.type === 'unsubscribe' && Array.isArray(message.rooms)) {
      for (const room of message.rooms)
        if (typeof room === 'string') this.#unsubscribe(client, room, 'requested');
      return;
    }
    const reason = 'type must be subscribe, unsubscribe, send, heartbeat, typing or ping (rooms an array)';
    send(client, { type: 'error', ...validationFailed(reason, { field: 'type' }).toJSON() });
  }

  /**
   * The token still holds (not expired, not known revoked): asked before
   * anything is read or sent for the socket. Throws the 401.
   */
  async #tokenHolds(client: Client): Promise<void> {
    this.deps.verifier.notExpired(client.token.claims);
    // Revocations are announced (ADR 0008); Redis is asked only while announcements may have been missed.
    await this.#revocations.confirm(client.token);
  }

  /**
   * A message sent over the socket, checked as over REST (token still valid,
   * write rate limit, fields, membership in chat): answered with "sent" and its
   * sequence, or an error frame; both name the client's id.
   */
  async #sendMessage(client: Client, frame: Record<string, unknown>): Promise<void> {
    const { type: _type, room, ...body } = frame;
    const clientId = typeof body.clientId === 'string' ? body.clientId : undefined;
    if (typeof room !== 'string' || !roomIdPattern.test(room) || clientId === undefined) {
      const error = validationFailed('send {room, text, clientId}: the clientId names the answer', {
        field: clientId === undefined ? 'clientId' : 'room',
      });
      return send(client, { type: 'error', ...error.toJSON(), ...(clientId ? { clientId } : {}) });
    }
    const fail = (error: ApiError) => send(client, { type: 'error', ...error.toJSON(), room, clientId });
    if (client.sending >= maxSendsInFlight) {
      const message = `at most ${maxSendsInFlight} sends awaiting their answer per connection`;
      return fail(new ApiError('too_many_requests', 429, message));
    }
    client.sending++;
    try {
      await Promise.all([this.#tokenHolds(client), this.deps.limiter.take('write', client.user)]);
      const { seq } = await this.deps.messages.send(client.user, room, body);
      send(client, { type: 'sent', room, clientId, seq });
    } catch (err) {
      const error = toApiError(err);
      if (error.status >= 500) this.deps.log.error('a send over the live socket failed', { error: err });
      fail(error);
    } finally {
      client.sending--;
    }
  }

  #subscribe(client: Client, entry: unknown): void {
    const { room, after } = (entry ?? {}) as { room?: unknown; after?: unknown };
    if (
      typeof room !== 'string' ||
      !roomIdPattern.test(room) ||
      !Number.isSafeInteger(after) ||
      (after as number) < 0
    ) {
      return send(client, {
        type: 'error',
        ...validationFailed('subscribe to {room, after: seq}', { field: 'rooms' }).toJSON(),
      });
    }
    if (this.#clients.get(client.ws) !== client) return; // closed while its held frames were handled
    const known = client.rooms.has(room) || client.pending.has(room);
    if (!known && client.rooms.size + client.pending.size >= maxRoomsPerSocket) {
      const error = new ApiError('too_many_rooms', 429, `at most ${maxRoomsPerSocket} rooms per connection`);
      return send(client, { type: 'error', ...error.toJSON(), room });
    }
    // Asked again while chat is being asked: the newest `after` counts.
    const pending: PendingSubscription = { after: after as number, seen: 0 };
    client.pending.set(room, pending);
    addTo(this.#pendingByRoom, room, client);
    void this.#confirm(client, room, pending);
  }

  /**
   * Asks the room whether the user is a member, and only then puts the
   * socket into the room's fan-out ("subscribed", then history). A refusal,
   * or chat not answering, is an error frame and no subscription.
   */
  async #confirm(client: Client, room: string, pending: PendingSubscription): Promise<void> {
    let membership: Membership | null = null;
    let refusal: ApiError | undefined;
    try {
      await this.#tokenHolds(client);
      membership = await this.#history.run(() =>
        this.deps.actors.query<Membership | null>('room', room, { type: 'membership', user: client.user }),
      );
      refusal = subscriptionRefusal(membership, pending.after);
    } catch (err) {
      refusal = err instanceof ApiError ? err : new ApiError('unavailable', 503, 'chat did not answer');
    }
    if (client.pending.get(room) !== pending) return; // unsubscribed, asked again or closed meanwhile
    client.pending.delete(room);
    removeFrom(this.#pendingByRoom, room, client);
    if (refusal || !membership) {
      const error = refusal ?? new ApiError('unavailable', 503, 'chat did not answer');
      if (error.status === 401) return client.ws.close(4401, error.error);
      return send(client, { type: 'error', ...error.toJSON(), room });
    }
    const subscription: RoomSubscription = {
      cursor: new RoomCursor(room, pending.after),
      memberAt: membership.lastSeq,
      fetching: false,
      caughtUp: false,
    };
    client.rooms.set(room, subscription);
    addTo(this.#byRoom, room, client);
    send(client, { type: 'subscribed', room, after: pending.after });
    if (needsCatchUp(pending.after, membership.lastSeq, pending.seen))
      return void this.#catchUp(client, subscription);
    subscription.caughtUp = true;
    send(client, { type: 'caught-up', room, seq: pending.after });
  }

  #unsubscribe(client: Client, room: string, reason: string): void {
    if (client.pending.delete(room)) removeFrom(this.#pendingByRoom, room, client);
    if (!client.rooms.delete(room)) return;
    removeFrom(this.#byRoom, room, client);
    send(client, { type: 'unsubscribed', room, reason });
  }

  #deliver(room: string, frames: RoomEventFrame[]): void {
    const waiting = this.#pendingByRoom.get(room);
    if (waiting) {
      const seq = frames.at(-1)!.seq;
      for (const client of waiting) {
        const pending = client.pending.get(room);
        if (pending && pending.seen < seq) pending.seen = seq;
      }
    }
    const clients = this.#byRoom.get(room);
    if (!clients) return;
    const shared = new SharedFrames();
    const someoneLeft = frames.some(isMembershipEnd); // once per delivery, not per client
    for (const client of clients) {
      const subscription = client.rooms.get(room);
      if (!subscription) continue;
      const { cursor } = subscription;
      if (this.#send(client, subscription, cursor.offer(frames), shared)) continue;
      // A leave held back behind a gap ends the subscription now: chat would refuse the gap's history anyway.
      if (someoneLeft && frames.some((f) => endsMembership(f, client.user, subscription.memberAt)))
        this.#unsubscribe(client, room, 'no longer a member');
      else if (cursor.gapAfter() !== undefined) void this.#catchUp(client, subscription);
    }
  }

  /** Sends the frames in order; true when one ended the subscription (the rest are not sent). */
  #send(
    client: Client,
    subscription: RoomSubscription,
    frames: RoomEventFrame[],
    shared = new SharedFrames(),
  ): boolean {
    for (const frame of frames) {
      const { event } = shared.of(frame);
      const shown = visibleTo(client.user, hideBlocked(client.blocked, event));
      send(client, shown === event ? shared.text(frame) : eventFrame(frame, shown));
      if (endsMembership(frame, client.user, subscription.memberAt)) {
        this.#unsubscribe(client, subscription.cursor.room, 'no longer a member');
        return true;
      }
    }
    return false;
  }

  /**
   * Pages history after the cursor until it is level with the room (chat
   * checks membership on each page). Waits for a slow reader to take in what
   * it was sent before asking for more.
   */
  async #catchUp(client: Client, subscription: RoomSubscription): Promise<void> {
    if (subscription.fetching) return;
    subscription.fetching = true;
    const { cursor } = subscription;
    const current = () =>
      client.rooms.get(cursor.room) === subscription && client.ws.readyState === client.ws.OPEN;
    try {
      for (;;) {
        await drained(client.ws, client.maxBacklogBytes / 4);
        if (!current()) return;
        await this.#tokenHolds(client);
        const events = await this.#history.run(() =>
          callRpc<RoomEventFrame[]>(this.deps.nc, chatSubjects.events, {
            room: cursor.room,
            user: client.user,
            after: cursor.lastDelivered,
            limit: pageSize,
          }),
        );
        if (!current()) return; // unsubscribed, subscribed again or closed meanwhile
        if (this.#send(client, subscription, cursor.offer(events))) return;
        // Live events that arrived meanwhile may have opened a new gap: they are
        // stored before they are published, so another page closes it.
        if (events.length < pageSize && cursor.gapAfter() === undefined) {
          if (!subscription.caughtUp) {
            subscription.caughtUp = true;
            send(client, { type: 'caught-up', room: cursor.room, seq: cursor.lastDelivered });
          }
          return;
        }
      }
    } catch (err) {
      const error =
        err instanceof ApiError ? err : new ApiError('unavailable', 503, 'history is unavailable');
      if (error.status === 401) return client.ws.close(4401, error.error);
      send(client, { type: 'error', ...error.toJSON(), room: cursor.room });
      if (error.status === 403 || error.status === 404) this.#unsubscribe(client, cursor.room, error.error);
    } finally {
      subscription.fetching = false;
    }
  }

  /**
   * Terminates sockets that did not answer the last ping (a dead client or
   * network), and checks every socket's token in Redis: an announcement can be
   * lost without the connection dropping (identity stopped between writing
   * Redis and announcing), so a revoked socket closes within this period at most.
   */
  #checkAlive(): void {
    void this.#revocations.sweep();
    for (const client of this.#clients.values()) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

function addTo(index: Map<string, Set<Client>>, room: string, client: Client): void {
  let clients = index.get(room);
  if (!clients) index.set(room, (clients = new Set()));
  clients.add(client);
}

/** Removes a client from a room's set, and the set once empty: random room ids leave nothing behind. */
function removeFrom(index: Map<string, Set<Client>>, room: string, client: Client): void {
  const clients = index.get(room);
  if (clients?.delete(client) && clients.size === 0) index.delete(room);
}
