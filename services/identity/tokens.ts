import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** What an access token says: who, which token and which login (for revocation), until when. */
export interface AccessClaims {
  sub: string;
  jti: string;
  /**
   * The login (refresh-token family) the token was issued in: signing out or
   * a reused refresh token ends every access token of it. Absent only in
   * tokens minted before logins were named.
   */
  sid?: string;
  /** Expiry, seconds since epoch. */
  exp: number;
}

export type TokenProblem = 'token_expired' | 'token_invalid';

const issuer = 'metachat';
const audience = 'metachat-api';

/**
 * The HMAC key as a KeyObject, made once per secret: given a string,
 * jsonwebtoken first tries (and fails) to parse it as a public key on every
 * call, which cost a quarter of the gateway's CPU under load.
 */
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/** A short-lived HS256 access token of login `sid`. `now` in ms comes in, so this is testable without a clock. */
export function issueAccessToken(secret: string, userId: string, sid: string, now: number, ttlMs: number) {
  const jti = randomUUID();
  const exp = Math.floor((now + ttlMs) / 1000);
  const token = jwt.sign({ sub: userId, jti, sid, exp, iat: Math.floor(now / 1000) }, keyOf(secret), {
    algorithm: 'HS256',
    issuer,
    audience,
  });
  return { token, jti, expiresAt: exp * 1000 };
}

/** Verifies signature, algorithm, issuer, audience and expiry. */
export function verifyAccessToken(secret: string, token: string, now: number): AccessClaims | TokenProblem {
  try {
    const claims = jwt.verify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer,
      audience,
      clockTimestamp: Math.floor(now / 1000),
    }) as Partial<AccessClaims>;
    if (
      typeof claims.sub !== 'string' ||
      typeof claims.jti !== 'string' ||
      typeof claims.exp !== 'number' ||
      (claims.sid !== undefined && typeof claims.sid !== 'string')
    ) {
      return 'token_invalid';
    }
    return { sub: claims.sub, jti: claims.jti, exp: claims.exp, ...(claims.sid ? { sid: claims.sid } : {}) };
  } catch (err) {
    return err instanceof jwt.TokenExpiredError ? 'token_expired' : 'token_invalid';
  }
}

/** Whether verified claims have expired by `now` (ms), by the rule jsonwebtoken applies at verification. */
export const hasExpired = (claims: AccessClaims, now: number): boolean =>
  Math.floor(now / 1000) >= claims.exp;

/** An opaque refresh token and the hash it is stored under (the token itself is never stored). */
export function newRefreshToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: refreshTokenId(token) };
}

export const refreshTokenId = (token: string) => createHash('sha256').update(token).digest('base64url');
