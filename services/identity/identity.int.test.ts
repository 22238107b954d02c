import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { MongoClient } from 'mongodb';
import { server } from '../../e2e/testenv/root-hooks.js';
import { freshDb } from '../actors/testdata/harness.js';
import { ApiError } from '../kit/api-error.js';
import { Identity } from './identity.js';
import { hashPassword } from './passwords.js';
import type { Revocation } from './revocation.js';

async function apiError(work: Promise<unknown>): Promise<{ error: string; code: number }> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(ApiError);
  return (err as ApiError).toJSON();
}

describe('identity (real FerretDB and Redis)', function () {
  this.timeout(30_000);
  let mongo: MongoClient;
  let redis: Redis;
  let identity: Identity;
  let clock = 1_800_000_000_000;
  const announced: Revocation[] = [];

  before(async () => {
    const fresh = await freshDb(server('mongo').url, 'identity');
    mongo = fresh.mongo;
    redis = new Redis(server('redis').url);
    identity = new Identity(fresh.db, redis, {
      jwtSecret: 'integration-secret-0123456789abcdef0123',
      accessTtlMs: 15 * 60_000,
      refreshTtlMs: 30 * 24 * 3_600_000,
      announce: (revocation) => announced.push(revocation),
      now: () => clock,
    });
    await identity.ensureIndexes();
  });
  after(async () => {
    redis?.disconnect();
    await mongo?.close();
  });

  it('registers once per email, stores only a password hash, and logs in', async () => {
    const { user, tokens } = await identity.register({
      email: 'ann@example.com',
      displayName: 'Ann',
      password: 'correct horse',
    });
    expect(user).to.deep.include({ email: 'ann@example.com', displayName: 'Ann' });
    expect((await identity.authenticate(tokens.accessToken)).sub).to.equal(user.id);
    const stored = await identity.users.findOne({ _id: user.id });
    expect(stored?.passwordHash)
      .to.match(/^scrypt\$/)
      .and.not.contain('correct horse');

    expect(
      await apiError(
        identity.register({ email: 'ANN@example.com', displayName: 'Imposter', password: 'whatever1' }),
      ),
    ).to.deep.include({
      error: 'email_taken',
      code: 409,
    });
    expect(
      await apiError(identity.login({ email: 'ann@example.com', password: 'wrong horse' })),
    ).to.deep.include({
      error: 'invalid_credentials',
      code: 401,
    });
    expect(
      await apiError(identity.login({ email: 'nobody@example.com', password: 'correct horse' })),
    ).to.deep.include({
      error: 'invalid_credentials',
    });
    const login = await identity.login({ email: 'ann@example.com', password: 'correct horse' });
    expect((await identity.authenticate(login.accessToken)).sub).to.equal(user.id);
  });

  it('rotates refresh tokens and revokes the whole login when a spent one is reused', async () => {
    const first = await identity.login({ email: 'ann@example.com', password: 'correct horse' });
    const second = await identity.refresh({ refreshToken: first.refreshToken });
    const third = await identity.refresh({ refreshToken: second.refreshToken });
    expect(third.refreshToken).not.to.equal(second.refreshToken);

    expect(await apiError(identity.refresh({ refreshToken: first.refreshToken }))).to.deep.include({
      error: 'token_reused',
      code: 401,
    });
    // The thief's reuse also kills the legitimate newest token of that login.
    expect(await apiError(identity.refresh({ refreshToken: third.refreshToken }))).to.deep.include({
      error: 'token_reused',
    });
    expect(await apiError(identity.refresh({ refreshToken: 'A'.repeat(43) }))).to.deep.include({
      error: 'token_invalid',
    });
  });

  it('revokes and announces every access token of a login whose refresh token is reused, and only those', async () => {
    const login = await identity.login({ email: 'ann@example.com', password: 'correct horse' });
    const other = await identity.login({ email: 'ann@example.com', password: 'correct horse' });
    const rotated = await identity.refresh({ refreshToken: login.refreshToken });
    const { sid } = await identity.authenticate(rotated.accessToken);
    expect(sid).to.be.a('string');
    expect((await identity.authenticate(login.accessToken)).sid).to.equal(sid);

    announced.length = 0;
    expect(await apiError(identity.refresh({ refreshToken: login.refreshToken }))).to.deep.include({
      error: 'token_reused',
    });
    expect(announced).to.deep.equal([{ session: sid }]);
    for (const token of [login.accessToken, rotated.accessToken])
      expect(await apiError(identity.authenticate(token))).to.deep.include({
        error: 'token_revoked',
        code: 401,
      });
    expect(await redis.pttl(`metachat:ended-session:${sid}`)).to.be.within(1, 15 * 60_000);
    // Another login of the same user is a different session: it keeps working.
    expect((await identity.authenticate(other.accessToken)).sid)
      .to.be.a('string')
      .and.not.equal(sid);
    expect((await identity.refresh({ refreshToken: other.refreshToken })).accessToken).to.be.a('string');
  });

  it('signs out the whole login: every access token issued from its refresh tokens', async () => {
    const login = await identity.login({ email: 'ann@example.com', password: 'correct horse' });
    const rotated = await identity.refresh({ refreshToken: login.refreshToken });
    const claims = await identity.authenticate(rotated.accessToken);
    announced.length = 0;
    await identity.logout(claims);
    expect(announced).to.deep.equal([{ session: claims.sid }]);
    expect(await apiError(identity.authenticate(login.accessToken))).to.deep.include({
      error: 'token_revoked',
    });
    expect(await apiError(identity.refresh({ refreshToken: rotated.refreshToken }))).to.have.property(
      'code',
      401,
    );
  });

  it('expires tokens with time and revokes them at logout', async () => {
    const tokens = await identity.login({ email: 'ann@example.com', password: 'correct horse' });
    const claims = await identity.authenticate(tokens.accessToken);
    await identity.logout(claims, { refreshToken: tokens.refreshToken });
    expect(await apiError(identity.authenticate(tokens.accessToken))).to.deep.include({
      error: 'token_revoked',
      code: 401,
    });
    expect(await redis.pttl(`metachat:ended-session:${claims.sid}`)).to.be.within(1, 15 * 60_000);
    expect(await apiError(identity.refresh({ refreshToken: tokens.refreshToken }))).to.deep.include({
      error: 'session_ended',
    });

    const later = await identity.login({ email: 'ann@example.com', password: 'correct horse' });
    clock += 16 * 60_000;
    expect(await apiError(identity.authenticate(later.accessToken))).to.deep.include({
      error: 'token_expired',
    });
    clock += 31 * 24 * 3_600_000;
    expect(await apiError(identity.refresh({ refreshToken: later.refreshToken }))).to.deep.include({
      error: 'token_expired',
    });
  });

  it('stores new passwords at the current scrypt cost and makes older hashes again at sign-in', async () => {
    const { user } = await identity.register({
      email: 'old@example.com',
      displayName: 'Old',
      password: 'an old password',
    });
    const stored = async () => (await identity.users.findOne({ _id: user.id }))!.passwordHash;
    expect(await stored()).to.match(/^scrypt\$131072\$8\$1\$/);
    // As every account created before the cost was raised: N=2^15.
    await identity.users.updateOne(
      { _id: user.id },
      { $set: { passwordHash: await hashPassword('an old password', { N: 2 ** 15, r: 8, p: 1 }) } },
    );
    const before = await stored();
    expect(
      await apiError(identity.login({ email: 'old@example.com', password: 'a wrong one' })),
    ).to.deep.include({
      error: 'invalid_credentials',
    });
    expect(await stored()).to.equal(before);
    await identity.login({ email: 'old@example.com', password: 'an old password' });
    const after = await stored();
    expect(after)
      .to.match(/^scrypt\$131072\$8\$1\$/)
      .and.not.equal(before);
    await identity.login({ email: 'old@example.com', password: 'an old password' });
    expect(await stored()).to.equal(after);
  });

  it('reads and updates a profile, refusing bad input', async () => {
    const { user } = await identity.register({
      email: 'bob@example.com',
      displayName: 'Bob',
      password: 'hunter2hunter2',
    });
    expect(await identity.updateProfile(user.id, { displayName: '  Robert ' })).to.deep.include({
      displayName: 'Robert',
    });
    expect((await identity.profile(user.id)).displayName).to.equal('Robert');
    expect(await apiError(identity.updateProfile(user.id, { displayName: { $set: 'x' } }))).to.deep.include({
      error: 'validation_failed',
    });
    expect(await apiError(identity.profile('u_nobody'))).to.deep.include({ error: 'not_found', code: 404 });
  });
});
