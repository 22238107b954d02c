import { setting } from '../kit/config.js';
import { identitySettings } from '../identity/settings.js';
import { defaultRateLimits, parseRateLimits } from './rate-limit.js';
import { webRootSetting } from './web-app.js';

export const gatewaySettings = {
  port: setting.port('PORT', { default: 8080 }),
  host: setting.string('HOST', { default: '0.0.0.0' }),
  natsUrl: identitySettings.natsUrl,
  redisUrl: identitySettings.redisUrl,
  redisTimeoutMs: identitySettings.redisTimeoutMs,
  jwtSecret: identitySettings.jwtSecret,
  partitions: setting.int('ACTOR_PARTITIONS', { default: 16, min: 1, max: 1024 }),
  /** Origins allowed by CORS, comma-separated; empty allows none (same-origin clients only). */
  corsOrigins: setting.string('CORS_ORIGINS', { default: '-' }),
  bodyLimitBytes: setting.int('BODY_LIMIT_BYTES', { default: 64 * 1024, min: 1024, max: 1024 * 1024 }),
  /**
   * How many reverse proxies in front of the gateway (ingress controller,
   * load balancer) append to X-Forwarded-For: the client address is the entry
   * that many hops back. 0 trusts no header (the peer's address is the client);
   * too high lets clients choose their own address.
   */
  trustProxyHops: setting.int('TRUST_PROXY_HOPS', { default: 0, min: 0, max: 10 }),
  /**
   * Requests per minute per user by kind, shared by all replicas; "off" for
   * none. auth counts sign-in requests per client address, account sign-in
   * attempts per account from any address.
   */
  rateLimits: {
    env: 'RATE_LIMITS',
    parse: (raw: string | undefined) => parseRateLimits(raw?.trim() || defaultRateLimits),
  },
  /** A WebSocket device counts as connected this long after its last heartbeat. */
  presenceTtlSeconds: setting.int('PRESENCE_TTL_SECONDS', { default: 30, min: 2, max: 3600 }),
  /** A typing indicator ends this long after the last signal. */
  typingTtlSeconds: setting.int('TYPING_TTL_SECONDS', { default: 5, min: 1, max: 60 }),
  wsMaxFrameBytes: setting.int('WS_MAX_FRAME_BYTES', { default: 64 * 1024, min: 1024, max: 1024 * 1024 }),
  /** Live sockets one user may hold open on one gateway replica; more are closed with 4429. */
  wsMaxSocketsPerUser: setting.int('WS_MAX_SOCKETS_PER_USER', { default: 16, min: 1, max: 1000 }),
  /** Unsent bytes a live socket may hold (a client not reading); beyond, it is closed with 4408. */
  wsMaxBacklogBytes: setting.int('WS_MAX_BACKLOG_BYTES', {
    default: 8 * 1024 * 1024,
    min: 64 * 1024,
    max: 256 * 1024 * 1024,
  }),
  webRoot: webRootSetting,
};

export const parseOrigins = (list: string): string[] =>
  list === '-'
    ? []
    : list
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
