import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../kit/log.js';
import { Semaphore } from '../kit/semaphore.js';
import type { Notification } from './notify.js';

// The push hook: every new notification is POSTed as JSON to one URL per
// deployment, so a real push service (APNs/FCM bridge, email, …) can be
// plugged in. Signed when a secret is set, in the format Stripe's webhooks
// use: `X-MetaChat-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">`, so a receiver can refuse a replayed push by its age.
// A bounded number of pushes run at once (the rest wait, up to a bounded
// backlog); each is retried with backoff; a hook that keeps failing is
// logged, never blocks notifications.

export const signatureHeader = 'x-metachat-signature';
/** How old a signed push may be when it arrives; older ones are refused as replays. */
export const signatureToleranceSeconds = 300;

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** The signature header's value for `body` sent at `timestamp` (unix seconds). */
export const signatureOf = (secret: string, body: string, timestamp: number) =>
  `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;

/**
 * A receiver's check of a push, as the docs show it: the signature matches
 * the raw body and its timestamp is recent. `now` in unix seconds.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  now: number,
  toleranceSeconds = signatureToleranceSeconds,
): boolean {
  const parts = new Map((header ?? '').split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  if (!Number.isSafeInteger(timestamp) || Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface WebhookOptions {
  url: string;
  secret: string;
  attempts?: number;
  timeoutMs?: number;
  /** Pushes in flight at once. */
  concurrency?: number;
  /** Pushes waiting beyond those; more are dropped (and counted as failed). */
  backlog?: number;
}

export class Webhook {
  #delivered = 0;
  #failed = 0;
  readonly #slots: Semaphore;

  constructor(
    private readonly options: WebhookOptions,
    private readonly log: Logger,
  ) {
    this.#slots = new Semaphore(options.concurrency ?? 8);
  }

  get counts() {
    return { delivered: this.#delivered, failed: this.#failed };
  }

  async push(notification: Notification): Promise<void> {
    if (this.#slots.pending >= (this.options.backlog ?? 10_000)) {
      this.#failed++;
      this.log.warn('push hook backlog full; notification not pushed', { notification: notification.id });
      return;
    }
    await this.#slots.run(() => this.#deliver(notification));
  }

  async #deliver(notification: Notification): Promise<void> {
    const body = JSON.stringify({ type: 'notification', notification });
    const attempts = this.options.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      // Signed at each attempt: a retry carries its own time.
      if (this.options.secret)
        headers[signatureHeader] = signatureOf(this.options.secret, body, Math.floor(Date.now() / 1000));
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        });
        if (res.ok) {
          this.#delivered++;
          return;
        }
        if (res.status < 500 && res.status !== 429) break; // the hook refuses it: retrying will not help
      } catch {
        // network or timeout: retry
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
    this.#failed++;
    this.log.warn('push hook failed', { notification: notification.id });
  }
}
