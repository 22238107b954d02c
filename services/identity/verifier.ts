import type { Redis } from 'ioredis';
import { ApiError } from '../kit/api-error.js';
import { hasExpired, verifyAccessToken, type AccessClaims } from './tokens.js';

const unauthorized = (error: string, message: string) => new ApiError(error, 401, message);
const expired = () => unauthorized('token_expired', 'the access token has expired');
export const revokedKey = (jti: string) => `metachat:revoked:${jti}`;
/** Set when an account is deleted, for as long as its access tokens could live. */
export const deletedUserKey = (user: string) => `metachat:deleted-user:${user}`;

/**
 * Checks a bearer token without calling the identity service: signature,
 * expiry, and the revocation list in Redis. Used by identity and the gateway.
 */
export class AccessTokenVerifier {
  constructor(
    private readonly secret: string,
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(token: string): Promise<AccessClaims> {
    const claims = verifyAccessToken(this.secret, token, this.now());
    if (claims === 'token_expired') throw expired();
    if (claims === 'token_invalid') throw unauthorized('token_invalid', 'the access token is not valid');
    await this.#notRevoked(claims);
    return claims;
  }

  /**
   * Claims that `authenticate` accepted before (a live socket's, at connect)
   * still hold: not expired, not revoked since. The signature is not checked
   * again: the token it came from has not changed.
   */
  async stillValid(claims: AccessClaims): Promise<void> {
    if (hasExpired(claims, this.now())) throw expired();
    await this.#notRevoked(claims);
  }

  async #notRevoked(claims: AccessClaims): Promise<void> {
    if (await this.redis.exists(revokedKey(claims.jti), deletedUserKey(claims.sub)))
      throw unauthorized('token_revoked', 'the access token was revoked');
  }

  /** Revokes every access token of a deleted account (they live at most `accessTtlMs`). */
  async revokeUser(user: string, accessTtlMs: number): Promise<void> {
    await this.redis.set(deletedUserKey(user), '1', 'PX', accessTtlMs);
  }

  /** Revokes an access token until it would have expired anyway. */
  async revoke(claims: AccessClaims): Promise<void> {
    const ttl = claims.exp * 1000 - this.now();
    if (ttl > 0) await this.redis.set(revokedKey(claims.jti), '1', 'PX', ttl);
  }
}
