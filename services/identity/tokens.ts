import { createHash, randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** What an access token says: who, which token (for revocation), until when. */
export interface AccessClaims {
  sub: string;
  jti: string;
  /** Expiry, seconds since epoch. */
  exp: number;
}

export type TokenProblem = 'token_expired' | 'token_invalid';

const issuer = 'metachat';
const audience = 'metachat-api';

/** A short-lived HS256 access token. `now` in ms comes in, so this is testable without a clock. */
export function issueAccessToken(secret: string, userId: string, now: number, ttlMs: number) {
  const jti = randomUUID();
  const exp = Math.floor((now + ttlMs) / 1000);
  const token = jwt.sign({ sub: userId, jti, exp, iat: Math.floor(now / 1000) }, secret, {
    algorithm: 'HS256',
    issuer,
    audience,
  });
  return { token, jti, expiresAt: exp * 1000 };
}

/** Verifies signature, algorithm, issuer, audience and expiry. */
export function verifyAccessToken(secret: string, token: string, now: number): AccessClaims | TokenProblem {
  try {
    const claims = jwt.verify(token, secret, {
      algorithms: ['HS256'],
      issuer,
      audience,
      clockTimestamp: Math.floor(now / 1000),
    }) as Partial<AccessClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.jti !== 'string' || typeof claims.exp !== 'number') {
      return 'token_invalid';
    }
    return { sub: claims.sub, jti: claims.jti, exp: claims.exp };
  } catch (err) {
    return err instanceof jwt.TokenExpiredError ? 'token_expired' : 'token_invalid';
  }
}

/** An opaque refresh token and the hash it is stored under (the token itself is never stored). */
export function newRefreshToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: refreshTokenId(token) };
}

export const refreshTokenId = (token: string) => createHash('sha256').update(token).digest('base64url');
