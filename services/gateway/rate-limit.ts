import type { Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { normalEmail } from '../identity/input.js';
import { ApiError } from '../kit/api-error.js';

// Requests per minute per user (before sign-in: per client address, and
// sign-in attempts per account too), by kind of request, counted in Redis so
// every gateway replica shares the count.

export const rateLimitClasses = ['auth', 'account', 'read', 'write'] as const;
export type RateLimitClass = (typeof rateLimitClasses)[number];
/** Per minute; a class left out is not limited. */
export type RateLimits = Partial<Record<RateLimitClass, number>>;

export const defaultRateLimits = 'auth=20,account=10,read=1200,write=300';

/** "auth=20,write=300" → limits; "off" → none. Throws a message naming the bad part. */
export function parseRateLimits(text: string): RateLimits {
  if (text.trim() === 'off') return {};
  const limits: RateLimits = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\w+)=(\d{1,7})$/.exec(part);
    if (!match || !rateLimitClasses.includes(match[1] as RateLimitClass) || Number(match[2]) < 1)
      throw new Error(`"${part}" is not <${rateLimitClasses.join('|')}>=<requests per minute ≥ 1>`);
    limits[match[1] as RateLimitClass] = Number(match[2]);
  }
  return limits;
}

export const classOf = (method: string): RateLimitClass =>
  method === 'GET' || method === 'HEAD' ? 'read' : 'write';

const windowMs = 60_000;
// One round trip: count this request in the current window, start its expiry with the first.
const countScript = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

export class RateLimiter {
  constructor(
    private readonly redis: Redis | undefined,
    private readonly limits: RateLimits,
  ) {}

  /** Counts one request of `who`; over the limit, a 429 (with Retry-After set on `res` when over HTTP). */
  async take(kind: RateLimitClass, who: string, res?: Response): Promise<void> {
    const limit = this.limits[kind];
    if (!limit || !this.redis) return;
    const [count, ttlMs] = (await this.redis.eval(countScript, 1, `ratelimit:${kind}:${who}`, windowMs)) as [
      number,
      number,
    ];
    if (count <= limit) return;
    const retryAfter = Math.max(1, Math.ceil(ttlMs / 1000));
    res?.setHeader('Retry-After', String(retryAfter));
    throw new ApiError(
      'rate_limited',
      429,
      `more than ${limit} ${kind} requests in a minute; retry in ${retryAfter} s`,
      {
        retryAfterSeconds: retryAfter,
        limit,
      },
    );
  }

  /**
   * For requests before sign-in: limited by client address (`req.ip`, which
   * the trusted proxy hops make the client's, not the ingress's).
   */
  byAddress(kind: RateLimitClass): RequestHandler {
    return async (req: Request, res, next) => {
      await this.take(kind, req.ip ?? 'unknown', res);
      next();
    };
  }

  /**
   * Sign-in attempts per account, from any address: guessing one account's
   * password from many addresses is limited too. The key is a digest, so
   * Redis holds no emails.
   */
  byAccount(): RequestHandler {
    return async (req: Request, res, next) => {
      const email = accountOf(req.body);
      if (email !== undefined)
        await this.take('account', createHash('sha256').update(email).digest('base64url'), res);
      next();
    };
  }
}

/** The account a sign-in body names, as identity compares it; undefined when it names none (identity refuses it). */
function accountOf(body: unknown): string | undefined {
  try {
    return normalEmail((body as { email?: unknown } | null)?.email);
  } catch {
    return undefined;
  }
}
