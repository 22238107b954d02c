import { setting } from '../kit/config.js';

/** Settings of the identity service; the gateway shares jwtSecret and redisUrl to verify tokens itself. */
export const identitySettings = {
  natsUrl: setting.url('NATS_URL', { protocols: ['nats', 'tls'], default: 'nats://127.0.0.1:4222' }),
  mongoUrl: setting.url('MONGO_URL', {
    protocols: ['mongodb', 'mongodb+srv'],
    description: 'MongoDB connection string',
  }),
  mongoDb: setting.string('MONGO_DB', { default: 'metachat' }),
  redisUrl: setting.url('REDIS_URL', { protocols: ['redis', 'rediss'], default: 'redis://127.0.0.1:6379' }),
  jwtSecret: setting.secret('JWT_SECRET', {
    minLength: 32,
    description: 'HMAC key for access tokens, from a Secret',
  }),
  accessTtlMs: setting.duration('ACCESS_TOKEN_TTL', { default: 15 * 60_000 }),
  refreshTtlMs: setting.duration('REFRESH_TOKEN_TTL', { default: 30 * 24 * 3_600_000 }),
};
