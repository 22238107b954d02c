import { expect } from 'chai';
import type { Tokens } from '../../services/sdk/index.js';
import { closeOf, rawSocket } from '../raw-socket.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';

describe('sessions end to end: a login ends as a whole (identity and two gateways as processes)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let gateway: string;

  before(async () => {
    platform = await startTestPlatform('sessions', { gateways: 2 });
    gateway = platform.gateways[0]!.url;
  });
  after(() => platform?.stop());

  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${gateway}/api/v1${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const me = async (token: string) => {
    const res = await fetch(`${gateway}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  /** A login and one refresh of it: two access tokens of the same login. */
  const loginTwice = async (email: string) => {
    const first = (await post('/auth/login', { email, password: 'long-password' })).json as unknown as Tokens;
    const second = (await post('/auth/refresh', { refreshToken: first.refreshToken }))
      .json as unknown as Tokens;
    expect(second.accessToken).to.be.a('string');
    return { first, second };
  };

  it("revokes every access token of a login when a spent refresh token is reused, and closes that login's sockets", async () => {
    expect(
      (
        await post('/auth/register', {
          email: 'ann@example.com',
          displayName: 'Ann',
          password: 'long-password',
        })
      ).status,
    ).to.equal(201);
    const { first, second } = await loginTwice('ann@example.com');
    const elsewhere = (await post('/auth/login', { email: 'ann@example.com', password: 'long-password' }))
      .json as unknown as Tokens;
    const sockets = await Promise.all(platform.gateways.map((g) => rawSocket(g.url, second.accessToken)));
    const closed = sockets.map(({ ws }) => closeOf(ws));
    expect((await me(second.accessToken)).status).to.equal(200);

    // A stolen copy of the first refresh token is spent a second time.
    expect((await post('/auth/refresh', { refreshToken: first.refreshToken })).json).to.deep.include({
      error: 'token_reused',
      code: 401,
    });
    for (const token of [first.accessToken, second.accessToken])
      expect((await me(token)).json).to.deep.include({ error: 'token_revoked', code: 401 });
    expect(await Promise.all(closed)).to.deep.equal([
      [4401, 'token_revoked'],
      [4401, 'token_revoked'],
    ]);
    // The user's other login is not touched.
    expect((await me(elsewhere.accessToken)).status).to.equal(200);
  });

  it('signs out the whole login: every access token issued from it, and their sockets', async () => {
    expect(
      (
        await post('/auth/register', {
          email: 'bob@example.com',
          displayName: 'Bob',
          password: 'long-password',
        })
      ).status,
    ).to.equal(201);
    const { first, second } = await loginTwice('bob@example.com');
    const { ws } = await rawSocket(platform.gateways[1]!.url, first.accessToken);
    const closed = closeOf(ws);
    expect(
      (await post('/auth/logout', { refreshToken: second.refreshToken }, second.accessToken)).status,
    ).to.equal(204);
    expect((await me(first.accessToken)).json).to.deep.include({ error: 'token_revoked', code: 401 });
    expect(await closed).to.deep.equal([4401, 'token_revoked']);
  });

  it('says a refresh after sign-out is refused because the login was signed out, not because of a reuse', async () => {
    const { second } = await loginTwice('bob@example.com');
    expect((await post('/auth/logout', {}, second.accessToken)).status).to.equal(204);
    expect((await post('/auth/refresh', { refreshToken: second.refreshToken })).json).to.deep.include({
      error: 'session_ended',
      message: 'this login was signed out; sign in again',
      code: 401,
    });
  });
});
