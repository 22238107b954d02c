import { DeliverPolicy, jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
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
import { sendFrame as send, type Fanout, type LiveClient as Client } from './fanout.js';
import { toApiError } from './http.js';
import type { MessageSender } from './message-sender.js';
import type { RateLimiter } from './rate-limit.js';
import type { BlockCache } from './block-cache.js';
import { PresenceRelay } from './presence-relay.js';
import { RevocationWatch, type WatchedToken } from './revocation-watch.js';
import { RoomCursor, type RoomEventFrame } from './room-cursor.js';
import { eventFrame, SharedFrames } from './shared-frames.js';
import { TypingRelay } from './typing-relay.js';

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
//            {"type":"sent","room":"r_1","clientId":"c1","seq":44}   (the send's answer; errors name the clientId)
//            {"type":"error","error":"...","message":"...","room"?:"r_1"}  {"type":"pong"}
// Each subscribed room goes through a RoomCursor, so history (catch-up after
// `after`) and live events merge into one gap-free, duplicate-free sequence.
// A connection is a device for presence: online on connect, kept by
// heartbeats, offline on close or when heartbeats stop for the TTL.

const pageSize = 200;
const maxRoomsPerSocket = 500;
/** History pages in flight per gateway: a reconnect storm queues here instead of timing out in chat. */
const historyConcurrency = 8;
/** Sends awaiting their answer per socket: a client that floods waits for answers instead of queueing without bound. */
const maxSendsInFlight = 64;

export class LiveHub implements Fanout {
  readonly #wss: WebSocketServer;
  readonly #byRoom = new Map<string, Set<Client>>();
  readonly #clients = new Map<WebSocket, Client>();
  #events: ConsumerMessages | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #receipts: Subscription | undefined;
  #connected = false;
  readonly #presence: PresenceRelay;
  readonly #typing: TypingRelay;
  readonly #history = new Semaphore(historyConcurrency);
  readonly #revocations: RevocationWatch;

  constructor(
    server: Server,
    private readonly deps: {
      nc: NatsConnection;
      verifier: AccessTokenVerifier;
      log: Logger;
      maxFrameBytes: number;
      presence: PresenceStore;
      typingTtlMs: number;
      blocks: BlockCache;
      messages: MessageSender;
      limiter: RateLimiter;
    },
  ) {
    this.#wss = new WebSocketServer({ server, path: '/ws', maxPayload: deps.maxFrameBytes });
    this.#wss.on('connection', (ws, req) => void this.#accept(ws, req));
    this.#presence = new PresenceRelay({ nc: deps.nc, store: deps.presence, fanout: this, log: deps.log });
    this.#typing = new TypingRelay({ nc: deps.nc, fanout: this, ttlMs: deps.typingTtlMs, log: deps.log });
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

  async start(): Promise<void> {
    this.#heartbeat = setInterval(() => this.#checkAlive(), 30_000);
    this.#presence.start();
    this.#typing.start();
    this.#revocations.start();
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
    await this.#presence.close([...this.#clients.values()]);
    this.#typing.close();
    this.#revocations.close();
    this.#receipts?.unsubscribe();
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
      this.#deliver(event.actorId, [{ room: event.actorId, seq: event.version, ...event.data }]);
    } catch (err) {
      // A throw would stop the consumer (live delivery for every room); a bad event is skipped.
      this.deps.log.error('a room event could not be delivered', { subject: msg.subject, error: err });
    }
  }

  async #accept(ws: WebSocket, req: IncomingMessage): Promise<void> {
    // Frames can arrive while the token is being checked: hold them until then.
    const early: [string, boolean][] = [];
    const session: { client?: Client } = {};
    ws.on('message', (data, isBinary) => {
      if (session.client) void this.#onMessage(session.client, data.toString(), isBinary);
      else early.push([data.toString(), isBinary]);
    });
    ws.on('error', () => undefined); // invalid frames close the socket with a reason; nothing to crash
    const bearer = new URL(req.url ?? '/', 'http://x').searchParams.get('access_token') ?? '';
    let token: WatchedToken;
    let blocked: Set<string>;
    try {
      const claims = this.deps.verifier.verify(bearer);
      // Watched before Redis is asked, so a revocation announced in between is not missed.
      token = this.#revocations.watch(claims, () => ws.close(4401, 'token_revoked'));
      ws.once('close', () => token.stop());
      await this.deps.verifier.notRevoked(claims);
      blocked = await this.deps.blocks.blockedBy(claims.sub);
    } catch (err) {
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
      cursors: new Map(),
      confirmed: new Set(),
      caughtUp: new Set(),
      fetching: new Set(),
      alive: true,
      blocked,
      token,
      sending: 0,
    };
    this.#clients.set(ws, accepted);
    ws.on('pong', () => (accepted.alive = true));
    ws.on('close', () => {
      if (!this.#clients.delete(ws)) return;
      this.#typing.forget(accepted);
      for (const room of accepted.cursors.keys()) this.#byRoom.get(room)?.delete(accepted);
      void this.#presence.disconnected(accepted).catch(() => undefined); // the TTL ends it otherwise
    });
    await this.#presence.connected(accepted).catch((err: unknown) => {
      this.deps.log.warn('presence not recorded', { error: err });
    });
    // Frames held so far go first, in order; only then do new ones go straight through.
    for (const [text, isBinary] of early.splice(0)) void this.#onMessage(accepted, text, isBinary);
    session.client = accepted;
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
      return send(client, { type: 'error', error: 'validation_failed', message: (err as Error).message });
    }
    if (message.type === 'ping') return send(client, { type: 'pong' });
    if (message.type === 'heartbeat') {
      const state = message.state ?? 'active';
      if (!isDeviceState(state)) {
        const reason = 'state must be active or away';
        return send(client, { type: 'error', error: 'validation_failed', message: reason });
      }
      client.alive = true;
      return this.#presence.heartbeat(client, state).catch(() => undefined);
    }
    if (message.type === 'typing') {
      const room = message.room;
      if (typeof room !== 'string' || !client.confirmed.has(room)) {
        const reason = 'typing needs a room you are subscribed to';
        return send(client, { type: 'error', error: 'validation_failed', message: reason });
      }
      this.#typing.signal(client, room);
      return;
    }
    if (message.type === 'subscribe' && Array.isArray(message.rooms)) {
      for (const entry of message.rooms.slice(0, maxRoomsPerSocket)) this.#subscribe(client, entry);
      return;
    }
    if (message.type === 'send') return this.#sendMessage(client, message);
    if (message.type === 'unsubscribe' && Array.isArray(message.rooms)) {
      for (const room of message.rooms)
        if (typeof room === 'string') this.#unsubscribe(client, room, 'requested');
      return;
    }
    send(client, {
      type: 'error',
      error: 'validation_failed',
      message: 'type must be subscribe, unsubscribe, send, heartbeat, typing or ping',
    });
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
      this.deps.verifier.notExpired(client.token.claims);
      // Revocations are announced (ADR 0008); Redis is asked only while announcements may have been missed.
      await Promise.all([
        this.#revocations.confirm(client.token),
        this.deps.limiter.take('write', client.user),
      ]);
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
        error: 'validation_failed',
        message: 'subscribe to {room, after: seq}',
      });
    }
    if (client.cursors.size >= maxRoomsPerSocket) {
      return send(client, {
        type: 'error',
        error: 'too_many_rooms',
        message: `at most ${maxRoomsPerSocket} rooms`,
        room,
      });
    }
    client.cursors.set(room, new RoomCursor(room, after as number));
    if (!this.#byRoom.has(room)) this.#byRoom.set(room, new Set());
    this.#byRoom.get(room)!.add(client);
    send(client, { type: 'subscribed', room, after });
    void this.#catchUp(client, room);
  }

  #unsubscribe(client: Client, room: string, reason: string): void {
    if (!client.cursors.delete(room)) return;
    client.confirmed.delete(room);
    client.caughtUp.delete(room);
    this.#byRoom.get(room)?.delete(client);
    send(client, { type: 'unsubscribed', room, reason });
  }

  #deliver(room: string, frames: RoomEventFrame[]): void {
    const shared = new SharedFrames();
    for (const client of this.#byRoom.get(room) ?? []) {
      const cursor = client.cursors.get(room);
      if (!cursor) continue;
      this.#send(client, cursor, cursor.offer(frames), shared);
      if (cursor.gapAfter() !== undefined) void this.#catchUp(client, room);
    }
  }

  #send(client: Client, cursor: RoomCursor, frames: RoomEventFrame[], shared = new SharedFrames()): void {
    for (const frame of frames) {
      const { event } = shared.of(frame);
      const shown = visibleTo(client.user, hideBlocked(client.blocked, event));
      send(client, shown === event ? shared.text(frame) : eventFrame(frame, shown));
      const left =
        (event.type === 'MemberLeft' || event.type === 'MemberRemoved') && event.user === client.user;
      if (left) return this.#unsubscribe(client, cursor.room, 'no longer a member');
    }
  }

  /** Pages history after the cursor until it is level with the room (membership checked by chat). */
  async #catchUp(client: Client, room: string): Promise<void> {
    if (client.fetching.has(room)) return;
    client.fetching.add(room);
    try {
      for (;;) {
        const cursor = client.cursors.get(room);
        if (!cursor || client.ws.readyState !== client.ws.OPEN) return;
        const events = await this.#history.run(() =>
          callRpc<RoomEventFrame[]>(this.deps.nc, chatSubjects.events, {
            room,
            user: client.user,
            after: cursor.lastDelivered,
            limit: pageSize,
          }),
        );
        client.confirmed.add(room);
        this.#send(client, cursor, cursor.offer(events));
        // Live events that arrived meanwhile may have opened a new gap: they are
        // stored before they are published, so another page closes it.
        if (events.length < pageSize && cursor.gapAfter() === undefined) {
          if (!client.caughtUp.has(room)) {
            client.caughtUp.add(room);
            send(client, { type: 'caught-up', room, seq: cursor.lastDelivered });
          }
          return;
        }
      }
    } catch (err) {
      const error =
        err instanceof ApiError ? err : new ApiError('unavailable', 503, 'history is unavailable');
      send(client, { type: 'error', ...error.toJSON(), room });
      if (error.status === 403 || error.status === 404) this.#unsubscribe(client, room, error.error);
    } finally {
      client.fetching.delete(room);
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
