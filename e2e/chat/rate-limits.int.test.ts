import { expect } from 'chai';
import { MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';

describe('rate limits across gateway replicas (Redis)', function () {
  this.timeout(120_000);
  let platform: Platform;

  before(async () => {
    platform = await startTestPlatform('limits', {
      gateways: 2,
      env: { RATE_LIMITS: 'auth=5,read=60,write=1000' },
    });
  });
  after(async () => {
    await platform?.stop();
  });

  it('answers the 61st read in a minute with 429 and Retry-After on another replica', async () => {
    const [a] = platform.gateways.map((g) => new MetaChat({ baseUrl: g.url }));
    await a!.register('limits-ann@example.com', 'Ann', 'ann-password');
    const token = a!.tokens!.accessToken;
    const get = (base: string) =>
      fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 60; i++)
      expect((await get(platform.gateways[0]!.url)).status, `read ${i + 1}`).to.equal(200);
    const refused = await get(platform.gateways[1]!.url);
    expect(refused.status).to.equal(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 60);
    expect(await refused.json()).to.deep.include({ error: 'rate_limited', code: 429 });
    // Writes are counted apart: still allowed, on either replica.
    const write = await fetch(`${platform.gateways[1]!.url}/api/v1/me`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Ann L' }),
    });
    expect(write.status).to.equal(200);
  });

  it('limits sign-in attempts per client address before anyone is signed in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${platform.gateways[i % 2]!.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong-password' }),
      });
      statuses.push(res.status);
    }
    // One attempt of this address's five went to registering above.
    expect(statuses.slice(0, 4).every((s) => s === 401)).to.equal(true);
    expect(statuses.slice(4)).to.deep.equal([429, 429]);
  });
});
