import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './log.js';

export interface RedisClientOptions {
  url: string;
  /** The longest a command waits for its answer, connected or not. */
  commandTimeoutMs: number;
  log: Pick<Logger, 'warn' | 'info'>;
  /** Extra ioredis options (e.g. auto-pipelining). */
  options?: RedisOptions;
}

/** Between reconnection attempts: quick at first, then at most a second, for as long as Redis is away. */
export const redisRetryDelay = (attempt: number) => Math.min(50 * 2 ** attempt, 1000);

/**
 * The Redis client every service uses. ioredis by default queues a command
 * while the server is away and fails it only after 20 reconnection attempts
 * (over a minute); here a command fails after `commandTimeoutMs` at the most,
 * or sooner at the next refused reconnection, so a caller gets a prompt 503.
 * The client keeps reconnecting in the background and is usable again as
 * soon as Redis is back. An outage is logged when it starts and when it ends,
 * not on every failed attempt.
 */
export function connectRedis({ url, commandTimeoutMs, log, options }: RedisClientOptions): Redis {
  const redis = new Redis(url, {
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: redisRetryDelay,
    ...options,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn('redis unavailable; reconnecting', { error: err });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('redis available again');
  });
  return redis;
}
