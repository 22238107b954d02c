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
  const register = async (email: string, displayName: string) =>
    expect((await post('/auth/register', { email, displayName, password: 'long-password' })).status).to.equal(
      201,
    );
  /** A login and one refresh of it: two access tokens of the same login. */
  const loginTwice = async (email: string) => {
    const first = (await post('/auth/login', { email, password: 'long-password' })).json as unknown as Tokens;
    const second = (await post('/auth/refresh', { refreshToken: first.refreshToken }))
      .json as unknown as Tokens;
    expect(second.accessToken).to.be.a('string');
    return { first, second };
  };

  it("revokes every access token of a login when a spent refresh token is reused, and closes that login's sockets", async () => {
    await register('ann@example.com', 'Ann');
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
    await register('bob@example.com', 'Bob');
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

  it('tells a malformed bearer token from a missing one', async () => {
    const status = async (headers: Record<string, string>) =>
      (await fetch(`${gateway}/api/v1/me`, { headers })).json() as Promise<Record<string, unknown>>;
    expect(await status({})).to.deep.include({
      error: 'unauthorized',
      message: 'send Authorization: Bearer <access token>',
    });
    expect(await status({ authorization: 'Bearer not!a!token!at!all' })).to.deep.include({
      error: 'token_invalid',
      message: 'the bearer token is malformed (not a JWT)',
      code: 401,
    });
    expect(await status({ authorization: 'Basic dXNlcjpwYXNz' })).to.deep.include({
      error: 'unauthorized',
      message: 'the Authorization header must be Bearer <access token>',
    });
  });

  it('answers invalid input with validation_failed naming the field, from the gateway, identity and the room alike', async () => {
    const { second } = await loginTwice('ann@example.com');
    const token = second.accessToken;
    const call = async (method: string, path: string, body: string) => {
      const res = await fetch(`${gateway}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      return { status: res.status, ...((await res.json()) as Record<string, unknown>) };
    };
    const room = (await call('POST', '/rooms', JSON.stringify({ name: 'errors' }))) as { id?: string };
    expect(room.id).to.be.a('string');
    const cases: [string, string, string, string][] = [
      ['POST', '/rooms', JSON.stringify({ name: 'x', members: [{ $gt: '' }] }), 'members[0]'],
      ['POST', '/rooms', JSON.stringify({ name: 'x', visibility: 'secret' }), 'visibility'],
      ['POST', '/rooms', JSON.stringify({ name: '' }), 'name'],
      ['POST', `/rooms/${room.id}/messages`, JSON.stringify({ text: 42 }), 'text'],
      ['PATCH', `/rooms/${room.id}/messages/first`, JSON.stringify({ text: 'x' }), 'seq'],
      ['POST', '/rooms', '{"name": ', 'body'],
      ['POST', '/rooms', '[1, 2]', 'body'],
      ['PATCH', '/me', JSON.stringify({ displayName: '' }), 'displayName'],
      ['PATCH', '/me', JSON.stringify({ admin: true }), 'admin'],
    ];
    for (const [method, path, body, field] of cases)
      expect(await call(method, path, body), `${method} ${path} ${body}`).to.deep.include({
        status: 400,
        error: 'validation_failed',
        code: 400,
        details: { field },
      });
  });
});
