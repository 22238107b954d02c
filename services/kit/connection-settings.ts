import { loadConfig, setting } from './config.js';

/** How every service finds the servers it talks to: one definition, so names and defaults agree. */
export const connectionSettings = {
  natsUrl: setting.url('NATS_URL', { protocols: ['nats', 'tls'], default: 'nats://127.0.0.1:4222' }),
  mongoUrl: setting.url('MONGO_URL', {
    protocols: ['mongodb', 'mongodb+srv'],
    description: 'MongoDB connection string',
  }),
  mongoDb: setting.string('MONGO_DB', { default: 'metachat' }),
  redisUrl: setting.url('REDIS_URL', { protocols: ['redis', 'rediss'], default: 'redis://127.0.0.1:6379' }),
  /** The longest a Redis command waits before the caller gets a 503 (see connectRedis). */
  redisTimeoutMs: setting.duration('REDIS_TIMEOUT', { default: 1000 }),
};

/** Who a process is on NATS; both empty for a server without authorization. */
export const natsCredentialSettings = {
  natsUser: setting.string('NATS_USER', {
    default: '',
    description: "the service's NATS user, e.g. gateway",
  }),
  natsPassword: setting.secret('NATS_PASSWORD', { default: '' }),
};

/** What nats.js needs to sign in as a user: the user, its password and its own inbox prefix. */
export interface NatsAuth {
  user: string;
  pass: string;
  inboxPrefix: string;
}

/**
 * The inbox prefix of a NATS user: replies to its requests come there, and
 * its permissions let no other user subscribe to it, so nobody else reads them.
 */
export const inboxPrefixOf = (user: string): string => `_INBOX_${user}`;

const userPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** The sign-in of a NATS user, or an Error saying what is wrong with the pair. */
export function natsAuth(user: string, pass: string): NatsAuth | undefined {
  if (user === '' && pass === '') return undefined;
  if (user === '' || pass === '')
    throw new Error('NATS_USER and NATS_PASSWORD go together: set both or neither');
  if (!userPattern.test(user)) throw new Error(`NATS_USER must be 1-64 of A-Z a-z 0-9 _ - (got "${user}")`);
  return { user, pass, inboxPrefix: inboxPrefixOf(user) };
}

/** The process's NATS sign-in from its environment; a bad pair stops it with one line. */
export function natsAuthFromEnv(env: Record<string, string | undefined> = process.env): NatsAuth | undefined {
  const { natsUser, natsPassword } = loadConfig(natsCredentialSettings, env);
  try {
    return natsAuth(natsUser, natsPassword);
  } catch (err) {
    process.stderr.write(`config: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
