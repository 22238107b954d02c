import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';
import {
  hasExpired,
  issueAccessToken,
  newRefreshToken,
  refreshTokenId,
  verifyAccessToken,
} from './tokens.js';
import { parseCredentials, parseRegistration } from './input.js';
import { ApiError } from '../kit/api-error.js';

const secret = 'test-secret-that-is-long-enough-0123456789';
const now = 1_800_000_000_000;

describe('identity: passwords', () => {
  it('verifies the right password and refuses a wrong one; salts differ', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).to.match(/^scrypt\$131072\$8\$1\$/);
    expect(a).not.to.equal(b);
    expect(await verifyPassword('correct horse battery', a)).to.equal(true);
    expect(await verifyPassword('correct horse batterz', a)).to.equal(false);
    expect(await verifyPassword('anything', 'not-a-hash')).to.equal(false);
  });

  it('verifies hashes made at an older cost, and says they need making again', async () => {
    const old = await hashPassword('correct horse battery', { N: 2 ** 15, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery', old)).to.equal(true);
    expect(needsRehash(old)).to.equal(true);
    expect(needsRehash(old, { N: 2 ** 15, r: 8, p: 1 })).to.equal(false);
    expect(needsRehash(await hashPassword('correct horse battery'))).to.equal(false);
    // Parameters no MetaChat ever stored are refused, not run (N=2^30 would ask for 128 GiB).
    const [, , r, p, salt, hash] = old.split('$');
    expect(
      await verifyPassword('correct horse battery', ['scrypt', 2 ** 30, r, p, salt, hash].join('$')),
    ).to.equal(false);
  });
});

describe('identity: tokens', () => {
  it('issues an access token that verifies until it expires', () => {
    const { token, jti, expiresAt } = issueAccessToken(secret, 'u_1', 'login-1', now, 15 * 60_000);
    expect(expiresAt).to.equal(now + 15 * 60_000);
    expect(verifyAccessToken(secret, token, now + 60_000)).to.deep.equal({
      sub: 'u_1',
      jti,
      sid: 'login-1',
      exp: expiresAt / 1000,
    });
    expect(verifyAccessToken(secret, token, now + 16 * 60_000)).to.equal('token_expired');
  });

  it('judges the expiry of verified claims as verification does (a live socket checks its claims on each send)', () => {
    const { token } = issueAccessToken(secret, 'u_1', 'login-1', now, 60_000);
    const claims = verifyAccessToken(secret, token, now);
    if (typeof claims === 'string') throw new Error(`not verified: ${claims}`);
    for (const at of [now, now + 59_999, now + 60_000, now + 61_000]) {
      const verdict = verifyAccessToken(secret, token, at) === 'token_expired';
      expect(hasExpired(claims, at), `at +${at - now} ms`).to.equal(verdict);
    }
    expect(hasExpired(claims, now + 59_999)).to.equal(false);
    expect(hasExpired(claims, now + 60_000)).to.equal(true);
  });

  it('refuses forged, re-signed, alg=none and garbage tokens', () => {
    const { token } = issueAccessToken(secret, 'u_1', 'login-1', now, 60_000);
    expect(verifyAccessToken('another-secret-of-sufficient-length-000000', token, now)).to.equal(
      'token_invalid',
    );
    const [header, payload] = token.split('.');
    expect(verifyAccessToken(secret, `${header}.${payload}.`, now)).to.equal('token_invalid');
    const none = jwt.sign({ sub: 'u_1', jti: 'x', iss: 'metachat', aud: 'metachat-api' }, '', {
      algorithm: 'none',
    });
    expect(verifyAccessToken(secret, none, now)).to.equal('token_invalid');
    const wrongAudience = jwt.sign({ sub: 'u_1', jti: 'x', exp: now / 1000 + 60 }, secret, {
      issuer: 'metachat',
      audience: 'other',
    });
    expect(verifyAccessToken(secret, wrongAudience, now)).to.equal('token_invalid');
    expect(verifyAccessToken(secret, 'garbage', now)).to.equal('token_invalid');
    const badLogin = jwt.sign({ sub: 'u_1', jti: 'x', sid: 7, exp: now / 1000 + 60 }, secret, {
      issuer: 'metachat',
      audience: 'metachat-api',
    });
    expect(verifyAccessToken(secret, badLogin, now)).to.equal('token_invalid');
  });

  it('makes opaque refresh tokens stored only by hash', () => {
    const { token, id } = newRefreshToken();
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(id).to.equal(refreshTokenId(token)).and.not.equal(token);
  });
});

describe('identity: input', () => {
  const error = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).to.be.instanceOf(ApiError);
      return (err as ApiError).toJSON();
    }
    throw new Error('expected an ApiError');
  };

  it('normalises a registration', () => {
    expect(
      parseRegistration({ email: ' Ann@Example.COM ', displayName: ' Ann ', password: 'long enough' }),
    ).to.deep.equal({
      email: 'ann@example.com',
      displayName: 'Ann',
      password: 'long enough',
    });
  });

  it('answers bad input with validation_failed naming the field', () => {
    expect(
      error(() => parseRegistration({ email: 'nope', displayName: 'A', password: '12345678' })),
    ).to.deep.equal({
      error: 'validation_failed',
      message: 'email is not an email address',
      code: 400,
      details: { field: 'email' },
    });
    expect(
      error(() => parseRegistration({ email: 'a@b.co', displayName: 'A', password: 'short' })).details,
    ).to.deep.equal({ field: 'password' });
    expect(error(() => parseCredentials({ email: { $gt: '' }, password: 'x' })).message).to.equal(
      'email must be a string',
    );
    expect(
      error(() => parseCredentials({ email: 'a@b.co', password: 'x', admin: true })).details,
    ).to.deep.equal({ field: 'admin' });
    expect(error(() => parseCredentials([])).message).to.equal('the body must be a JSON object');
  });
});
