import type { Redis } from 'ioredis';
import { ApiError } from '../kit/api-error.js';
import { unavailable } from '../kit/transient.js';
import { hasExpired, verifyAccessToken, type AccessClaims } from './tokens.js';

const unauthorized = (error: string, message: string) => new ApiError(error, 401, message);
const expired = () => unauthorized('token_expired', 'the access token has expired');
export const tokenRevoked = () => unauthorized('token_revoked', 'the access token was revoked');
export const revokedKey = (jti: string) => `metachat:revoked:${jti}`;
/** Set when an account is deleted, for as long as its access tokens could live. */
export const deletedUserKey = (user: string) => `metachat:deleted-user:${user}`;
/** Set when a login ends (signed out, or a refresh token of it reused), for as long as its access tokens could live. */
export const endedSessionKey = (sid: string) => `metachat:ended-session:${sid}`;

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
    const claims = this.verify(token);
    await this.notRevoked(claims);
    return claims;
  }

  /** Signature and expiry only (no Redis): the claims, or a 401. `notRevoked` is the other half. */
  verify(token: string): AccessClaims {
    const claims = verifyAccessToken(this.secret, token, this.now());
    if (claims === 'token_expired') throw expired();
    if (claims === 'token_invalid') throw unauthorized('token_invalid', 'the access token is not valid');
    return claims;
  }

  /**
   * Claims that `verify` accepted before (a live socket's, at connect) have
   * not expired since. The signature is not checked again: the token it came
   * from has not changed.
   */
  notExpired(claims: AccessClaims): void {
    if (hasExpired(claims, this.now())) throw expired();
  }

  /**
   * Not revoked in Redis: neither the token, nor its login (signed out or
   * reused), nor its user (account deleted). Redis not answering is a 503,
   * never a 401: the token may well be good, and a client told to sign in
   * again would drop it.
   */
  async notRevoked(claims: AccessClaims): Promise<void> {
    const keys = [revokedKey(claims.jti), deletedUserKey(claims.sub)];
    if (claims.sid) keys.push(endedSessionKey(claims.sid));
    const revoked = await this.redis.exists(keys).catch(() => {
      throw unavailable('the token revocation list');
    });
    if (revoked) throw tokenRevoked();
  }

  /** Revokes every access token of a login (they live at most `accessTtlMs`). */
  async revokeSession(sid: string, accessTtlMs: number): Promise<void> {
    await this.redis.set(endedSessionKey(sid), '1', 'PX', accessTtlMs);
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
