import type { NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { server } from '../../e2e/testenv/root-hooks.js';
import { eventually } from '../../e2e/testenv/eventually.js';
import { connectNats } from './nats-connect.js';
import { subscribeJson } from './nats-subscribe.js';

describe('JSON subscriptions (real NATS)', () => {
  let nc: NatsConnection;
  before(async () => (nc = await connectNats({ servers: server('nats').url })));
  after(() => nc.close());

  it('skips and logs a message that is not JSON or that its handler throws on, and handles the next', async () => {
    const handled: unknown[] = [];
    const warnings: unknown[] = [];
    const subscription = subscribeJson<{ n: number }>(
      nc,
      'kit.json.test',
      (body) => {
        if (body.n === 2) throw new Error('the handler refuses 2');
        handled.push(body.n);
      },
      { warn: (_message, fields) => void warnings.push(fields?.subject) },
    );
    const encode = (text: string) => new TextEncoder().encode(text);
    nc.publish('kit.json.test', encode('{not json'));
    nc.publish('kit.json.test', encode('{"n":2}'));
    nc.publish('kit.json.test', encode('{"n":3}'));
    await eventually('the good message handled', async () => handled.length === 1);
    subscription.unsubscribe();
    expect(handled).to.deep.equal([3]);
    expect(warnings).to.deep.equal(['kit.json.test', 'kit.json.test']);
    expect(nc.isClosed()).to.equal(false);
  });
});
