import { createHmac } from 'node:crypto';
import type { Logger } from '../kit/log.js';
import type { Notification } from './notify.js';

// The push hook: every new notification is POSTed as JSON to one URL per
// deployment, so a real push service (APNs/FCM bridge, email, …) can be
// plugged in. Signed with HMAC-SHA256 when a secret is set; retried with
// backoff; a hook that keeps failing is logged, never blocks notifications.

export interface WebhookOptions {
  url: string;
  secret: string;
  attempts?: number;
  timeoutMs?: number;
}

export const signatureOf = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export class Webhook {
  #delivered = 0;
  #failed = 0;

  constructor(
    private readonly options: WebhookOptions,
    private readonly log: Logger,
  ) {}

  get counts() {
    return { delivered: this.#delivered, failed: this.#failed };
  }

  async push(notification: Notification): Promise<void> {
    const body = JSON.stringify({ type: 'notification', notification });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.secret) headers['x-metachat-signature'] = signatureOf(this.options.secret, body);
    const attempts = this.options.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
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
