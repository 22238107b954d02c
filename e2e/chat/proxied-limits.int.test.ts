import { expect } from 'chai';
import { request } from 'node:http';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { startReverseProxy } from '../testenv/reverse-proxy.js';

/** A sign-in POST through the proxy from one loopback address (each stands for a client somewhere else). */
function postFrom(
  from: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; error?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          const json = JSON.parse(text || '{}') as { error?: string };
          resolve({ status: res.statusCode ?? 0, ...(json.error ? { error: json.error } : {}) });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('sign-in limits behind a reverse proxy (a proxy process adding X-Forwarded-For before the gateway)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let proxy: Awaited<ReturnType<typeof startReverseProxy>>;
  let login: string;

  before(async () => {
    platform = await startTestPlatform('proxied', {
      env: { TRUST_PROXY_HOPS: '1', RATE_LIMITS: 'auth=4,account=3' },
    });
    proxy = await startReverseProxy(platform.gateways[0]!.url);
    login = `${proxy.url}/api/v1/auth/login`;
    const registered = await postFrom('127.0.0.10', `${proxy.url}/api/v1/auth/register`, {
      email: 'carol@example.com',
      displayName: 'Carol',
      password: 'carol-password',
    });
    expect(registered.status).to.equal(201);
  });
  after(async () => {
    await proxy?.stop();
    await platform?.stop();
  });

  const wrong = (email: string) => ({ email, password: 'not-the-password' });

  it('counts each client address apart, and a client cannot pick its own with X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // Every attempt names another account (no account limit is reached) and forges another address.
      const forged = { 'x-forwarded-for': `203.0.113.${i + 1}` };
      statuses.push((await postFrom('127.0.0.2', login, wrong(`nobody${i}@example.com`), forged)).status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 401, 429, 429]);
    // Someone else behind the same ingress is not locked out.
    expect(await postFrom('127.0.0.3', login, wrong('someone@example.com'))).to.deep.equal({
      status: 401,
      error: 'invalid_credentials',
    });
  });

  it('limits attempts on one account from any number of addresses, without locking the addresses out of other accounts', async () => {
    const attempts = [];
    for (const from of ['127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'])
      attempts.push((await postFrom(from, login, wrong('Carol@Example.com'))).status);
    expect(attempts).to.deep.equal([401, 401, 401, 429]);
    // Over the account's limit even the right password waits (a guesser cannot tell it was right).
    expect(
      await postFrom('127.0.0.8', login, { email: 'carol@example.com', password: 'carol-password' }),
    ).to.deep.equal({ status: 429, error: 'rate_limited' });
    expect((await postFrom('127.0.0.7', login, wrong('dave@example.com'))).status).to.equal(401);
  });
});
