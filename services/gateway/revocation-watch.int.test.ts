import type { NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { CuttableLink } from '../../e2e/testenv/cuttable-link.js';
import { eventually } from '../../e2e/testenv/eventually.js';
import { server } from '../../e2e/testenv/root-hooks.js';
import { revocationSubject } from '../identity/revocation.js';
import type { AccessClaims } from '../identity/tokens.js';
import { AccessTokenVerifier } from '../identity/verifier.js';
import { connectNats } from '../kit/nats-connect.js';
import { RevocationWatch, type WatchedToken } from './revocation-watch.js';

describe('revocation watch (real NATS and Redis)', function () {
  this.timeout(30_000);
  let identity: NatsConnection; // announces, as the identity service does
  let redis: Redis;
  let verifier: AccessTokenVerifier;
  const exp = Math.floor(Date.now() / 1000) + 600;
  const claims = (jti: string, sub = 'u_ann'): AccessClaims => ({ sub, jti: `${jti}-${Date.now()}`, exp });
  /** The real verifier, counting how often Redis is asked. */
  const counting = () => {
    const counter = { asked: 0, notRevoked: (c: AccessClaims) => (counter.asked++, verifier.notRevoked(c)) };
    return counter;
  };
  const quiet = { warn: () => undefined };
  const announce = (body: unknown) => identity.publish(revocationSubject, JSON.stringify(body));
  const refused = (watch: RevocationWatch, token: WatchedToken) =>
    watch.confirm(token).then(
      () => 'accepted',
      (err: { error?: string }) => err.error,
    );

  before(async () => {
    identity = await connectNats({ servers: server('nats').url });
    redis = new Redis(server('redis').url);
    verifier = new AccessTokenVerifier('x'.repeat(40), redis);
  });
  after(async () => {
    await identity.close();
    redis.disconnect();
  });

  it('ends a token when its revocation is announced, or every token of a user, and asks Redis nothing per send', async () => {
    const nc = await connectNats({ servers: server('nats').url });
    const counter = counting();
    const watch = new RevocationWatch({ nc, verifier: counter, log: quiet });
    watch.start();
    await nc.flush();
    const ended: string[] = [];
    const [a, b, c] = [claims('a'), claims('b'), claims('c', 'u_bob')];
    const tokens = [a, b, c].map((cl) => watch.watch(cl, () => ended.push(cl.jti)));
    announce({}); // names nothing: ignored
    identity.publish(revocationSubject, 'not json');
    announce({ jti: a.jti });
    await eventually('a ended', async () => ended.length === 1);
    expect(ended).to.deep.equal([a.jti]);
    expect(await refused(watch, tokens[0]!)).to.equal('token_revoked');
    expect(await refused(watch, tokens[1]!)).to.equal('accepted');
    announce({ user: 'u_ann' });
    await eventually('b ended', async () => ended.length === 2);
    expect(ended).to.deep.equal([a.jti, b.jti]);
    expect(await refused(watch, tokens[2]!)).to.equal('accepted');
    expect(counter.asked).to.equal(0);
    watch.close();
    await nc.close();
  });

  it('after the connection to NATS drops, asks Redis on every send until all tokens were checked, and ends those revoked meanwhile', async () => {
    const nats = new URL(server('nats').url);
    const link = await CuttableLink.open({ host: nats.hostname, port: Number(nats.port) });
    const nc = await connectNats({
      servers: `nats://127.0.0.1:${link.port}`,
      reconnectTimeWait: 100,
      maxReconnectAttempts: -1,
    });
    const counter = counting();
    const watch = new RevocationWatch({ nc, verifier: counter, log: quiet });
    watch.start();
    const ended: string[] = [];
    const [x, y] = [claims('x'), claims('y')];
    const [tx, ty] = [x, y].map((cl) => watch.watch(cl, () => ended.push(cl.jti)));
    await link.cut();
    // Logged out while this gateway cannot hear it: Redis has it, the announcement is lost.
    await verifier.revoke(x);
    announce({ jti: x.jti });
    await eventually('the drop noticed: sends ask Redis', async () => {
      const before = counter.asked;
      await watch.confirm(ty!);
      return counter.asked > before;
    });
    expect(ended).to.deep.equal([]); // x sent nothing since: nothing asked about it yet
    await link.restore();
    await eventually('every token checked after the reconnect', async () => ended.length === 1);
    expect(ended).to.deep.equal([x.jti]);
    expect(await refused(watch, tx!)).to.equal('token_revoked');
    await eventually('sure again: sends ask Redis nothing', async () => {
      const before = counter.asked;
      await watch.confirm(ty!);
      return counter.asked === before;
    });
    watch.close();
    await nc.close();
    await link.close();
  });

  it('ends, at a sweep, a token revoked in Redis whose announcement never came', async () => {
    const nc = await connectNats({ servers: server('nats').url });
    const watch = new RevocationWatch({ nc, verifier, log: quiet });
    watch.start();
    const ended: string[] = [];
    const [kept, dropped] = [claims('kept'), claims('dropped')];
    watch.watch(kept, () => ended.push(kept.jti));
    const token = watch.watch(dropped, () => ended.push(dropped.jti));
    await verifier.revoke(dropped); // identity stopped before announcing it
    expect(await watch.sweep()).to.equal(true);
    expect(ended).to.deep.equal([dropped.jti]);
    expect(token.revoked).to.equal(true);
    watch.close();
    await nc.close();
  });
});
