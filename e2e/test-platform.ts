import { startPlatform, type Platform, type PlatformOptions } from './platform.js';
import { startTestEnv } from './testenv/index.js';
import { server } from './testenv/root-hooks.js';

/**
 * The platform on the integration run's shared FerretDB and Redis (unless a
 * suite brings its own, to take them away), in a database of its own named
 * after the suite, and on a NATS server of its own unless one is given: JetStream keeps streams, durable consumers and leases
 * across suites, and one suite's backlog (thousands of room events still to
 * project) must not hold up the next suite's read model.
 */
export async function startTestPlatform(
  suite: string,
  options: Partial<Omit<PlatformOptions, 'database' | 'natsUsers'>> & {
    /** Run the services on a NATS of their own with a user per service, as deployed (no anonymous access). */
    natsUsers?: boolean;
  } = {},
): Promise<Platform> {
  // METACHAT_NATS_USERS=1 runs any suite so, to find a subject a service lacks.
  const { natsUsers = process.env.METACHAT_NATS_USERS === '1', ...platformOptions } = options;
  const ownNats = options.natsUrl ? undefined : await startTestEnv({ servers: ['nats'], natsUsers });
  try {
    const platform = await startPlatform({
      natsUrl: options.natsUrl ?? ownNats!.nats!.url,
      ...(ownNats?.nats?.users ? { natsUsers: ownNats.nats.users } : {}),
      mongoUrl: options.mongoUrl ?? server('mongo').url,
      redisUrl: options.redisUrl ?? server('redis').url,
      database: `e2e_${suite}_${Date.now().toString(36)}`,
      ...platformOptions,
    });
    return {
      ...platform,
      async stop() {
        await platform.stop();
        await ownNats?.stop();
      },
    };
  } catch (err) {
    await ownNats?.stop();
    throw err;
  }
}
