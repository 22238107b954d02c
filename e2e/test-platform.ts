import { startPlatform, type Platform, type PlatformOptions } from './platform.js';
import { server } from './testenv/root-hooks.js';

/**
 * The platform on the integration run's shared servers, in a database of its
 * own named after the suite (NATS can be swapped for a suite's own).
 */
export function startTestPlatform(
  suite: string,
  options: Partial<Omit<PlatformOptions, 'database'>> = {},
): Promise<Platform> {
  return startPlatform({
    natsUrl: server('nats').url,
    mongoUrl: server('mongo').url,
    redisUrl: server('redis').url,
    database: `e2e_${suite}_${Date.now().toString(36)}`,
    ...options,
  });
}
