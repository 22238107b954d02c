import { expect } from 'chai';
import { WebSocket } from 'ws';
import { liveSocketUrl, MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { closeOf, rawSocket } from '../raw-socket.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';
import { startTestEnv, type TestEnv } from '../testenv/index.js';

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);

describe('a Redis outage (redis-server stopped and started again under a running gateway)', function () {
  this.timeout(240_000);
  let own: TestEnv;
  let platform: Platform;

  before(async () => {
    own = await startTestEnv({ servers: ['redis'] }); // a Redis of this suite's own, to take away
    platform = await startTestPlatform('redis-outage', {
      redisUrl: own.redis!.url,
      env: { RATE_LIMITS: 'auth=1000,read=100000,write=100000' }, // sign-in counts in Redis
    });
  });
  after(async () => {
    await platform?.stop();
    await own?.stop();
  });

  it('answers 503 in the error format, fails /readyz, signs nobody out, and recovers when Redis returns', async () => {
    const gateway = platform.gateways[0]!;
    const readyz = () => fetch(`http://127.0.0.1:${gateway.process.opsPort}/readyz`);
    const alice = new MetaChat({ baseUrl: gateway.url, WebSocket: WebSocket as never });
    await alice.register('alice@example.com', 'Alice', 'alice-password');
    const token = alice.tokens!.accessToken;
    const get = (path: string) =>
      fetch(`${gateway.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('/rooms')).status).to.equal(200);
    const open = await rawSocket(gateway.url, token); // open before the outage: it stays open

    const outage = await own.takeDown('redis', 'stop');
    const downAt = performance.now();
    const rooms = await get('/rooms');
    const toFirst503 = seconds(downAt);
    expect(rooms.status).to.equal(503);
    const body = (await rooms.json()) as Record<string, unknown>;
    expect(body).to.include({ error: 'unavailable', code: 503 });
    expect(body.message).to.be.a('string').and.not.equal('');

    const signIn = await fetch(`${gateway.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'alice-password' }),
    });
    expect(signIn.status).to.equal(503);
    expect(await signIn.json()).to.include({ error: 'unavailable', code: 503 });

    const notReady = await readyz();
    expect(notReady.status).to.equal(503);
    const readiness = (await notReady.json()) as { failures: { check: string }[] };
    expect(readiness.failures.map((f) => f.check)).to.include('redis');

    // A socket opened now is told to come back later (1013), not to sign in again (4401).
    const refused = new WebSocket(liveSocketUrl(gateway.url, token));
    expect(await closeOf(refused)).to.deep.equal([1013, 'unavailable']);
    expect(open.ws.readyState).to.equal(WebSocket.OPEN);

    await outage.back();
    const backAt = performance.now();
    await eventually('REST to answer again', async () => (await get('/rooms')).status === 200, 30_000);
    const toRecovered = seconds(backAt);
    await eventually('/readyz to pass again', async () => (await readyz()).status === 200, 30_000);
    const again = await rawSocket(gateway.url, token);
    again.ws.send(JSON.stringify({ type: 'ping' }));
    await eventually('a pong on a socket opened after the outage', async () =>
      again.replies.some((r) => r.type === 'pong'),
    );
    for (const ws of [open.ws, again.ws]) ws.close();
    console.log(
      `      Redis down: first 503 after ${toFirst503} s; REST answering ${toRecovered} s after Redis returned`,
    );
  });
});
