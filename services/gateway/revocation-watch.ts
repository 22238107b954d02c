import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { parseRevocation, revocationSubject, revokes, type Revocation } from '../identity/revocation.js';
import type { AccessClaims } from '../identity/tokens.js';
import { tokenRevoked, type AccessTokenVerifier } from '../identity/verifier.js';
import type { Logger } from '../kit/log.js';
import { subscribeJson } from '../kit/nats-subscribe.js';

/** A live socket's token, watched from before its first Redis check until the socket closes. */
export interface WatchedToken {
  readonly claims: AccessClaims;
  readonly revoked: boolean;
  /** Stops watching (the socket closed). */
  stop(): void;
}

interface Entry extends WatchedToken {
  revoked: boolean;
  onRevoked: () => void;
}

/**
 * The gateway's open sockets' tokens, ended as soon as identity announces a
 * revocation (ADR 0008), so a send over a socket asks Redis nothing. Redis
 * stays the record: a token is checked there once when its socket opens
 * (after it is watched, so a revocation cannot fall between the two), and
 * every token again after the NATS connection was interrupted (announcements
 * may have been missed; until that check is done, sends ask Redis each time)
 * and at every `sweep`.
 */
export class RevocationWatch {
  readonly #entries = new Set<Entry>();
  #subscription: Subscription | undefined;
  /** Announcements may have been missed since the connection dropped and no full check has passed since. */
  #unsure = false;
  #interruptions = 0;

  constructor(
    private readonly deps: {
      nc: NatsConnection;
      verifier: Pick<AccessTokenVerifier, 'notRevoked'>;
      log: Pick<Logger, 'warn'>;
    },
  ) {}

  start(): void {
    this.#subscription = subscribeJson<unknown>(
      this.deps.nc,
      revocationSubject,
      (body) => {
        const revocation = parseRevocation(body);
        if (revocation) this.#apply(revocation);
        else this.deps.log.warn('a revocation that names no token or user; ignored', { body });
      },
      this.deps.log,
    );
    void this.#followConnection();
  }

  close(): void {
    this.#subscription?.unsubscribe();
  }

  /** Watches a token; `onRevoked` runs once, when it is found revoked. */
  watch(claims: AccessClaims, onRevoked: () => void): WatchedToken {
    const entry: Entry = { claims, revoked: false, onRevoked, stop: () => void this.#entries.delete(entry) };
    this.#entries.add(entry);
    return entry;
  }

  /** Throws token_revoked (401) when the token is known revoked, or found so in Redis while announcements may have been missed. */
  async confirm(token: WatchedToken): Promise<void> {
    if (token.revoked) throw tokenRevoked();
    if (this.#unsure) await this.#check(token as Entry); // every token comes from watch()
  }

  /**
   * Checks every watched token in Redis (one pipelined round trip) and ends
   * the revoked ones. True when every check got an answer.
   */
  async sweep(): Promise<boolean> {
    const results = await Promise.allSettled([...this.#entries].map((entry) => this.#check(entry)));
    return results.every((r) => r.status === 'fulfilled' || isRevoked(r.reason));
  }

  async #check(entry: Entry): Promise<void> {
    if (entry.revoked) return;
    try {
      await this.deps.verifier.notRevoked(entry.claims);
    } catch (err) {
      if (isRevoked(err)) this.#end(entry);
      throw err;
    }
  }

  #apply(revocation: Revocation): void {
    for (const entry of this.#entries) if (revokes(revocation, entry.claims)) this.#end(entry);
  }

  #end(entry: Entry): void {
    if (entry.revoked) return;
    entry.revoked = true;
    this.#entries.delete(entry);
    entry.onRevoked();
  }

  async #followConnection(): Promise<void> {
    for await (const status of this.deps.nc.status()) {
      if (status.type === 'disconnect') {
        this.#unsure = true;
        this.#interruptions++;
      } else if (status.type === 'reconnect') {
        void this.#checkAfterReconnect();
      }
    }
  }

  async #checkAfterReconnect(): Promise<void> {
    const interruptions = this.#interruptions;
    const complete = await this.sweep();
    // Sure again only when every token was checked and the connection held meanwhile.
    if (complete && interruptions === this.#interruptions) this.#unsure = false;
  }
}

const isRevoked = (err: unknown) => (err as { error?: string } | null)?.error === 'token_revoked';
