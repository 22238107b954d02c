import { setting } from './config.js';

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
