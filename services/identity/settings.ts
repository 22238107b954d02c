import { setting } from '../kit/config.js';
import { connectionSettings } from '../kit/connection-settings.js';

/** Settings of the identity service; the gateway shares jwtSecret and redisUrl to verify tokens itself. */
export const identitySettings = {
  ...connectionSettings,
  jwtSecret: setting.secret('JWT_SECRET', {
    minLength: 32,
    description: 'HMAC key for access tokens, from a Secret',
  }),
  accessTtlMs: setting.duration('ACCESS_TOKEN_TTL', { default: 15 * 60_000 }),
  refreshTtlMs: setting.duration('REFRESH_TOKEN_TTL', { default: 30 * 24 * 3_600_000 }),
  /** log2 of scrypt's N for password hashes: 17 (128 MiB per hash) is OWASP's minimum; older hashes are redone at sign-in. */
  scryptLog2N: setting.int('PASSWORD_SCRYPT_LOG2_N', { default: 17, min: 15, max: 20 }),
};
