import { MetaChat, MetaChatError, type LiveEvents, type Tokens } from '@metachat/sdk';

// The signed-in session: the SDK client, its tokens kept in localStorage so a
// reload stays signed in, and one refresh at a time (refresh tokens rotate: two
// refreshes with the same token would revoke the login).

export interface Profile {
  id: string;
  email: string;
  displayName: string;
}

export type SessionState =
  { status: 'signed-out'; expired: boolean } | { status: 'signed-in'; tokens: Tokens; profile?: Profile };

const storageKey = 'metachat.session';
/** Refresh this long before the access token expires, so a call never starts with a dying token. */
const refreshMarginMs = 30_000;

export const isUnauthorized = (err: unknown) => err instanceof MetaChatError && err.status === 401;

export class Session {
  readonly client: MetaChat;
  #state: SessionState;
  #listeners = new Set<() => void>();
  #refreshing: Promise<void> | undefined;

  constructor(
    baseUrl: string,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  ) {
    this.client = new MetaChat({ baseUrl });
    this.#state = this.#load();
    if (this.#state.status === 'signed-in') this.client.tokens = this.#state.tokens;
  }

  get state(): SessionState {
    return this.#state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  async signUp(email: string, displayName: string, password: string): Promise<void> {
    const profile = await this.client.register(email, displayName, password);
    this.#signedIn(profile);
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.client.login(email, password);
    this.#signedIn();
  }

  async signOut(): Promise<void> {
    try {
      await this.client.logout();
    } catch {
      // Signing out of this device must work offline too; the tokens expire on their own.
    }
    this.#end(false);
  }

  /** Runs an API call with a fresh token; after a 401 it refreshes once and tries again. */
  async call<T>(fn: (client: MetaChat) => Promise<T>): Promise<T> {
    await this.#freshToken();
    try {
      return await fn(this.client);
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      await this.refresh();
      return fn(this.client);
    }
  }

  /** A live stream opened with a fresh token. */
  async events(after: Record<string, number>): Promise<LiveEvents> {
    await this.#freshToken();
    return this.client.events(after);
  }

  /** Rotates the token pair; when that is refused the session is over (sign in again). */
  refresh(): Promise<void> {
    this.#refreshing ??= this.client
      .refresh()
      .then(() => this.#update())
      .catch((err: unknown) => {
        if (err instanceof MetaChatError && err.status >= 400 && err.status < 500) this.#end(true);
        throw err;
      })
      .finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #freshToken(): Promise<void> {
    const tokens = this.client.tokens;
    if (tokens && tokens.accessTokenExpiresAt - refreshMarginMs < Date.now()) await this.refresh();
  }

  #signedIn(profile?: Profile): void {
    this.#state = { status: 'signed-in', tokens: this.client.tokens!, ...(profile ? { profile } : {}) };
    this.#save();
  }

  #update(): void {
    if (this.#state.status !== 'signed-in' || !this.client.tokens) return;
    this.#state = { ...this.#state, tokens: this.client.tokens };
    this.#save();
  }

  #end(expired: boolean): void {
    this.client.tokens = undefined;
    this.storage.removeItem(storageKey);
    this.#state = { status: 'signed-out', expired };
    this.#notify();
  }

  #save(): void {
    if (this.#state.status === 'signed-in') this.storage.setItem(storageKey, JSON.stringify(this.#state));
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  #load(): SessionState {
    try {
      const saved = JSON.parse(this.storage.getItem(storageKey) ?? 'null') as SessionState | null;
      if (saved?.status === 'signed-in' && saved.tokens.refreshTokenExpiresAt > Date.now()) return saved;
    } catch {
      // A damaged entry is a signed-out session.
    }
    return { status: 'signed-out', expired: false };
  }
}
