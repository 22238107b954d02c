import { createHash } from 'node:crypto';

/**
 * A short fingerprint of a message's text, as the room stores it (trimmed),
 * answered with a send: a retry under the same client id is told apart from
 * a different message that reuses the id (Stripe's idempotency-key rule).
 */
export const sendDigest = (text: string): string =>
  createHash('sha256').update(text.trim()).digest('base64url').slice(0, 16);
