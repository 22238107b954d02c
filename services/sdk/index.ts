// The MetaChat client SDK, for Node and browsers. No dependencies: it uses the
// platform's fetch and WebSocket (pass `WebSocket` from the `ws` package in Node 20).

/** The server's error format (`{error, message, code, details}`) as a client-side error; the SDK shares no code with the server. */
export class MetaChatError extends Error {
  override name = 'MetaChatError';
  constructor(
    readonly error: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface Tokens {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
}

export interface RoomEvent {
  room: string;
  seq: number;
  event: { type: string; [key: string]: unknown };
}

/** Live signals besides room events: presence of people you share a room with, typing, read receipts. */
export type LiveSignal =
  | { type: 'presence'; users: { user: string; status: 'online' | 'away' | 'offline'; lastSeen: number }[] }
  | { type: 'typing'; room: string; user: string; typing: boolean; expiresAt?: number }
  | { type: 'receipt'; room: string; user: string; seq: number }
  /** A message's mood score, moments after the message (history carries it as `moodScore` too). */
  | {
      type: 'mood';
      room: string;
      seq: number;
      moodScore: { valence: string; valenceScore: number; emotion: string; language: string; model: string };
    };

type WebSocketLike = {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
};
type WebSocketConstructor = new (url: string) => WebSocketLike;
type SendSettler = (outcome: { seq: number } | MetaChatError) => void;

export interface ClientOptions {
  /** e.g. https://chat.example.com (the API is under /api/v1, live events at /ws). */
  baseUrl: string;
  WebSocket?: WebSocketConstructor;
  /** Attempts for a send that fails for want of an answer (network, 502-504). */
  sendAttempts?: number;
}

const retryable = (status: number) => status === 0 || status === 502 || status === 503 || status === 504;
const newClientId = () => `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;

/** A body in the server's error format (an HTTP answer or an error frame) as a MetaChatError. */
function errorFromServer(
  body: { error?: unknown; message?: unknown; details?: unknown },
  status: number,
  fallback: { error: string; message: string },
): MetaChatError {
  return new MetaChatError(
    String(body.error ?? fallback.error),
    status,
    String(body.message ?? fallback.message),
    body.details as Record<string, unknown> | undefined,
  );
}

/** How a message mentions a user: clients show the name, the server notifies the user. */
export const mention = (userId: string) => `<@${userId}>`;

/** A gateway's live socket address (`baseUrl` as given to MetaChat), signed in with an access token. */
export const liveSocketUrl = (baseUrl: string, accessToken: string) =>
  `${baseUrl.replace(/^http/, 'ws')}/ws?access_token=${encodeURIComponent(accessToken)}`;

export class MetaChat {
  tokens: Tokens | undefined;
  readonly #base: string;
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #sendAttempts: number;
  /** Open live streams: a send goes over one of them when it can (no HTTP request per message). */
  readonly #live = new Set<LiveEvents>();

  constructor(options: ClientOptions) {
    this.#base = options.baseUrl.replace(/\/$/, '');
    this.#WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    this.#sendAttempts = options.sendAttempts ?? 5;
  }

  /** Any API call; errors come as MetaChatError with the server's code. */
  async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.#base}/api/v1${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.tokens ? { authorization: `Bearer ${this.tokens.accessToken}` } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new MetaChatError('network', 0, `could not reach MetaChat: ${(err as Error).message}`);
    }
    if (res.status === 204) return undefined as T;
    const payload = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw errorFromServer(payload, res.status, { error: 'http_error', message: res.statusText });
    return payload as T;
  }

  async register(
    email: string,
    displayName: string,
    password: string,
  ): Promise<{ id: string; email: string; displayName: string }> {
    const { user, tokens } = await this.api<{
      user: { id: string; email: string; displayName: string };
      tokens: Tokens;
    }>('POST', '/auth/register', { email, displayName, password });
    this.tokens = tokens;
    return user;
  }

  async login(email: string, password: string): Promise<void> {
    this.tokens = await this.api<Tokens>('POST', '/auth/login', { email, password });
  }

  async refresh(): Promise<void> {
    if (!this.tokens) throw new MetaChatError('unauthorized', 401, 'log in first');
    this.tokens = await this.api<Tokens>('POST', '/auth/refresh', { refreshToken: this.tokens.refreshToken });
  }

  async logout(): Promise<void> {
    await this.api(
      'POST',
      '/auth/logout',
      this.tokens ? { refreshToken: this.tokens.refreshToken } : undefined,
    );
    this.tokens = undefined;
  }

  createRoom(name: string, options: { members?: string[]; visibility?: 'public' | 'private' } = {}) {
    return this.api<{ id: string; seq: number }>('POST', '/rooms', { name, ...options });
  }

  /** Rooms you were added to and have not answered yet (adding someone to a group room invites them). */
  invitations() {
    return this.api<{
      invitations: { room: string; name: string; kind: string; by: string; at: number }[];
    }>('GET', '/invitations');
  }

  /** Accepts an invitation: you are a member of the room from now on. */
  acceptInvitation(room: string) {
    return this.api<{ seq: number }>('POST', `/invitations/${encodeURIComponent(room)}/accept`);
  }

  declineInvitation(room: string) {
    return this.api<{ seq: number }>('DELETE', `/invitations/${encodeURIComponent(room)}`);
  }

  openDirect(peer: string) {
    return this.api<{ id: string }>('POST', '/direct', { peer });
  }

  rooms() {
    return this.api<{
      rooms: {
        id: string;
        kind: string;
        name: string;
        lastSeq: number;
        lastActivityAt: number;
        role: string;
      }[];
    }>('GET', '/rooms');
  }

  history(room: string, page: { before?: number; after?: number; limit?: number } = {}) {
    const query = Object.entries(page)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    return this.api<{
      messages: {
        seq: number;
        author: string;
        text: string;
        deleted: boolean;
        reactions: Record<string, string[]>;
      }[];
    }>('GET', `/rooms/${encodeURIComponent(room)}/messages${query ? `?${query}` : ''}`);
  }

  /**
   * Sends a message: over the live connection when one is open (see
   * `events`), over HTTP otherwise. The client id makes it idempotent: when
   * an answer is lost, the send is retried with the same id, on either
   * path, and stored once.
   */
  async send(room: string, text: string, clientId = newClientId()): Promise<{ seq: number }> {
    let overHttp = false;
    for (let attempt = 1; ; attempt++) {
      const live = overHttp ? undefined : [...this.#live].find((stream) => stream.open);
      try {
        if (live) return await live.send(room, text, clientId);
        return await this.api<{ seq: number }>('POST', `/rooms/${encodeURIComponent(room)}/messages`, {
          text,
          clientId,
        });
      } catch (err) {
        // The socket keeps the token it opened with; a newer one may still be good over HTTP.
        if (live && err instanceof MetaChatError && err.status === 401 && !overHttp) {
          overHttp = true;
          continue;
        }
        if (!(err instanceof MetaChatError) || !retryable(err.status) || attempt >= this.#sendAttempts)
          throw err;
        // Doubling, but at most 5 s apart: a send retried through an outage goes soon after it ends.
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }

  edit(room: string, seq: number, text: string) {
    return this.api<{ seq: number }>('PATCH', `/rooms/${encodeURIComponent(room)}/messages/${seq}`, { text });
  }

  delete(room: string, seq: number) {
    return this.api<{ seq: number }>('DELETE', `/rooms/${encodeURIComponent(room)}/messages/${seq}`);
  }

  /** Moves your read watermark in a room up to `seq`; answers it and your unread count. */
  markRead(room: string, seq: number) {
    return this.api<{ seq: number; readSeq: number; unread: number }>(
      'POST',
      `/rooms/${encodeURIComponent(room)}/read`,
      { seq },
    );
  }

  unread(room: string) {
    return this.api<{ readSeq: number; unread: number }>('GET', `/rooms/${encodeURIComponent(room)}/unread`);
  }

  receipts(room: string) {
    return this.api<{ receipts: { user: string; seq: number }[]; readSeq: number; unread: number }>(
      'GET',
      `/rooms/${encodeURIComponent(room)}/receipts`,
    );
  }

  /** Everything MetaChat holds about you, as JSON (take it before deleting your account). */
  exportAccount() {
    return this.api<Record<string, unknown>>('GET', '/me/export');
  }

  /** Deletes your account for good; your messages stay in their rooms without text. */
  async deleteAccount(password: string): Promise<void> {
    await this.api('POST', '/me/deletion', { password });
    this.tokens = undefined;
  }

  /** Mentions (`<@userId>` in a text) and direct messages that came while you were offline. */
  notifications(options: { unreadOnly?: boolean; limit?: number } = {}) {
    const query = [
      ...(options.unreadOnly ? ['unread=true'] : []),
      ...(options.limit ? [`limit=${options.limit}`] : []),
    ].join('&');
    return this.api<{
      notifications: {
        id: string;
        kind: 'mention' | 'direct';
        room: string;
        roomName: string;
        seq: number;
        from: string;
        excerpt: string;
        at: number;
        read: boolean;
      }[];
      unread: number;
    }>('GET', `/notifications${query ? `?${query}` : ''}`);
  }

  markNotificationsRead(ids: string[] | 'all') {
    return this.api<{ marked: number }>(
      'POST',
      '/notifications/read',
      ids === 'all' ? { all: true } : { ids },
    );
  }

  /** The display names of users (at most 100); ids without an account are left out. */
  people(users: string[]) {
    return this.api<{ people: { id: string; displayName: string }[] }>(
      'GET',
      `/people?users=${users.map(encodeURIComponent).join(',')}`,
    );
  }

  presence(users: string[]) {
    return this.api<{ presence: { user: string; status: string; lastSeen: number }[] }>(
      'GET',
      `/presence?users=${users.map(encodeURIComponent).join(',')}`,
    );
  }

  /** As a room owner: silences a member for `minutes` (0: until unmuted). */
  mute(room: string, user: string, minutes = 0, reason?: string) {
    return this.api<{ seq: number }>(
      'PUT',
      `/rooms/${encodeURIComponent(room)}/members/${encodeURIComponent(user)}/mute`,
      { minutes, ...(reason ? { reason } : {}) },
    );
  }

  unmute(room: string, user: string) {
    return this.api<{ seq: number }>(
      'DELETE',
      `/rooms/${encodeURIComponent(room)}/members/${encodeURIComponent(user)}/mute`,
    );
  }

  react(room: string, seq: number, emoji: string, on = true) {
    return this.api<{ seq: number }>(
      on ? 'PUT' : 'DELETE',
      `/rooms/${encodeURIComponent(room)}/messages/${seq}/reactions/${encodeURIComponent(emoji)}`,
    );
  }

  /**
   * Live events of rooms, starting after the given sequence of each. The
   * stream reconnects by itself and resumes from the last sequence it
   * delivered, so nothing is missed or repeated. `for await` it; `close()` ends it.
   */
  events(after: Record<string, number>, options: { heartbeatMs?: number } = {}): LiveEvents {
    if (!this.#WebSocket)
      throw new MetaChatError('unsupported', 0, 'no WebSocket available: pass one in the options');
    if (!this.tokens) throw new MetaChatError('unauthorized', 401, 'log in first');
    const url = liveSocketUrl(this.#base, this.tokens.accessToken);
    const stream = new LiveEvents(this.#WebSocket, url, after, options.heartbeatMs ?? 10_000, () =>
      this.#live.delete(stream),
    );
    this.#live.add(stream);
    return stream;
  }
}

/** An async iterable of room events with automatic reconnect and resume. */
export class LiveEvents implements AsyncIterable<RoomEvent> {
  readonly #last: Record<string, number>;
  readonly #queue: RoomEvent[] = [];
  #wake: (() => void) | undefined;
  #socket: WebSocketLike | undefined;
  #closed = false;
  #failure: MetaChatError | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #state: 'active' | 'away' = 'active';
  readonly #signalListeners = new Set<(signal: LiveSignal) => void>();
  /** Sends over this socket awaiting their answer, by client id. */
  readonly #sends = new Map<string, { promise: Promise<{ seq: number }>; settle: SendSettler }>();
  /** Becomes true once the server has confirmed the first subscription. */
  subscribed: Promise<void>;
  #confirm!: () => void;
  /** Resolves once every room asked for at the start has its missed history delivered. */
  caughtUp: Promise<void>;
  #behind: Set<string>;
  #level!: () => void;

  constructor(
    private readonly WebSocket: WebSocketConstructor,
    private readonly url: string,
    after: Record<string, number>,
    heartbeatMs: number,
    private readonly onClosed: () => void = () => undefined,
  ) {
    this.#last = { ...after };
    this.subscribed = new Promise((resolve) => (this.#confirm = resolve));
    this.#behind = new Set(Object.keys(after));
    this.caughtUp = new Promise((resolve) => (this.#level = resolve));
    if (this.#behind.size === 0) this.#level();
    // Heartbeats keep this device present; a device that stops sending them goes offline.
    this.#heartbeat = setInterval(
      () => this.#sendFrame({ type: 'heartbeat', state: this.#state }),
      heartbeatMs,
    );
    this.#connect();
  }

  /** Calls `listener` with every presence, typing, receipt and mood signal; answers a function that stops it. */
  onSignal(listener: (signal: LiveSignal) => void): () => void {
    this.#signalListeners.add(listener);
    return () => this.#signalListeners.delete(listener);
  }

  /** Says whether the user is at this device (away: connected but idle). */
  setState(state: 'active' | 'away'): void {
    this.#state = state;
    this.#sendFrame({ type: 'heartbeat', state });
  }

  /** Says the user is typing in a room (call on keystrokes: the server throttles). */
  typing(room: string): void {
    this.#sendFrame({ type: 'typing', room });
  }

  /** True while the connection is open: sends can go over it. */
  get open(): boolean {
    return !this.#closed && this.#socket?.readyState === 1;
  }

  /**
   * Sends a message over this connection and waits for its sequence. Errors
   * are the server's (as over HTTP); a dropped connection or no answer within
   * `timeoutMs` is a network error (status 0): retry with the same client id.
   * `MetaChat.send` does that for you.
   */
  send(room: string, text: string, clientId: string, timeoutMs = 10_000): Promise<{ seq: number }> {
    const pending = this.#sends.get(clientId);
    if (pending) return pending.promise;
    if (!this.open) return Promise.reject(new MetaChatError('network', 0, 'the live connection is not open'));
    let settle!: SendSettler;
    const promise = new Promise<{ seq: number }>((resolve, reject) => {
      const timer = setTimeout(
        () => settle(new MetaChatError('network', 0, `no answer to the send within ${timeoutMs} ms`)),
        timeoutMs,
      );
      settle = (outcome) => {
        clearTimeout(timer);
        this.#sends.delete(clientId);
        if (outcome instanceof MetaChatError) reject(outcome);
        else resolve(outcome);
      };
    });
    this.#sends.set(clientId, { promise, settle });
    this.#sendFrame({ type: 'send', room, text, clientId });
    return promise;
  }

  #failSends(reason: string): void {
    for (const { settle } of [...this.#sends.values()]) settle(new MetaChatError('network', 0, reason));
  }

  #resubscribe(room: string): void {
    setTimeout(
      () => this.#sendFrame({ type: 'subscribe', rooms: [{ room, after: this.#last[room] ?? 0 }] }),
      1000,
    );
  }

  #sendFrame(frame: unknown): void {
    if (this.#socket?.readyState === 1) this.#socket.send(JSON.stringify(frame));
  }

  /** The last sequence delivered per room: what a later session resumes from. */
  get positions(): Record<string, number> {
    return { ...this.#last };
  }

  /** Drops the connection as a network failure would; the stream reconnects and resumes. */
  interrupt(): void {
    this.#socket?.close(4000, 'interrupted by the client');
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#socket?.close(1000, 'closed by the client');
    this.#failSends('the live connection was closed');
    this.onClosed();
    this.#wake?.();
  }

  #connect(): void {
    if (this.#closed) return;
    const ws = new this.WebSocket(this.url);
    this.#socket = ws;
    ws.onopen = () => {
      const rooms = Object.entries(this.#last).map(([room, after]) => ({ room, after }));
      ws.send(JSON.stringify({ type: 'subscribe', rooms }));
    };
    ws.onmessage = ({ data }) => {
      const message = JSON.parse(String(data)) as {
        type: string;
        room: string;
        seq: number;
        event: RoomEvent['event'];
        error?: string;
        message?: string;
        code?: number;
        details?: Record<string, unknown>;
        clientId?: string;
      };
      if (message.type === 'subscribed') this.#confirm();
      const send = message.clientId === undefined ? undefined : this.#sends.get(message.clientId);
      if (send && message.type === 'sent') send.settle({ seq: message.seq });
      if (send && message.type === 'error')
        send.settle(
          errorFromServer(message, message.code ?? 0, { error: 'error', message: 'the send failed' }),
        );
      const refused = message.type === 'error' && !send && message.room !== undefined;
      // Chat did not answer: ask again. Refused for good (not a member, no such room): it will not catch up.
      if (refused && message.code === 503) this.#resubscribe(message.room);
      const ended = message.type === 'caught-up' || (refused && message.code !== 503);
      if (ended && this.#behind.delete(message.room) && this.#behind.size === 0) this.#level();
      if (['presence', 'typing', 'receipt', 'mood'].includes(message.type))
        for (const listener of this.#signalListeners) listener(message as unknown as LiveSignal);
      if (message.type === 'event' && message.seq > (this.#last[message.room] ?? 0)) {
        this.#last[message.room] = message.seq;
        this.#queue.push({ room: message.room, seq: message.seq, event: message.event });
        this.#wake?.();
      }
    };
    ws.onclose = ({ code, reason }) => {
      this.#failSends('the live connection dropped');
      if (code === 4401) {
        this.#failure = new MetaChatError(reason || 'unauthorized', 401, 'the live connection was refused');
        this.close();
        return;
      }
      // 1013: the gateway is up but something it needs is not (e.g. Redis); give it longer than a dropped line.
      if (!this.#closed) setTimeout(() => this.#connect(), code === 1013 ? 1000 : 200);
    };
    ws.onerror = () => undefined;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RoomEvent> {
    for (;;) {
      const next = this.#queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.#failure) throw this.#failure;
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}
