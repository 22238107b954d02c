import { jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { server } from '../../e2e/testenv/root-hooks.js';
import { connectNats } from '../kit/nats-connect.js';
import { JetStreamPublisher, PublishError } from './jetstream-publisher.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('JetStream publisher (real NATS JetStream)', function () {
  this.timeout(30_000);
  let nc: NatsConnection;
  const stream = `publisher_${Date.now().toString(36)}`;

  before(async () => {
    nc = await connectNats({ servers: server('nats').url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], duplicate_window: 60_000_000_000 });
  });
  after(async () => {
    await (await jetstreamManager(nc)).streams.delete(stream);
    await nc.close();
  });

  it('stores concurrent publishes and answers each with its own sequence', async () => {
    const publisher = new JetStreamPublisher(nc);
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) => publisher.publish(`${stream}.a`, bytes(`m${i}`))),
    );
    expect(acks.every((a) => a.stream === stream && !a.duplicate)).to.equal(true);
    expect(new Set(acks.map((a) => a.seq)).size).to.equal(50);
    const jsm = await jetstreamManager(nc);
    // Each answer names the message it acknowledges.
    for (const [i, ack] of acks.entries()) {
      const stored = await jsm.streams.getMessage(stream, { seq: ack.seq });
      expect(stored?.string()).to.equal(`m${i}`);
    }
  });

  it('reports a message id seen before as a duplicate, stored once', async () => {
    const publisher = new JetStreamPublisher(nc);
    const first = await publisher.publish(`${stream}.b`, bytes('once'), { msgID: 'same-id' });
    const again = await publisher.publish(`${stream}.b`, bytes('once'), { msgID: 'same-id' });
    expect(first.duplicate).to.equal(false);
    expect(again).to.include({ duplicate: true, seq: first.seq });
  });

  it('fails with no_stream when no stream stores the subject', async () => {
    const err = await new JetStreamPublisher(nc).publish('nowhere.at.all', bytes('x')).catch((e) => e);
    expect(err).to.be.instanceOf(PublishError);
    expect(err).to.include({ code: 'no_stream' });
  });

  it('passes on what JetStream refuses, and times out when nothing acknowledges', async () => {
    const publisher = new JetStreamPublisher(nc, 300);
    const refused = await publisher
      .publish(`${stream}.c`, bytes('x'), { headers: expectStream('not-this-stream') })
      .catch((e) => e);
    expect(refused).to.include({ code: 'refused' });
    expect(refused.message).to.match(/expected stream does not match/);
    // A plain subscriber (no stream) takes the message and never answers.
    const silent = nc.subscribe('silent.subject');
    const timedOut = await publisher.publish('silent.subject', bytes('x')).catch((e) => e);
    silent.unsubscribe();
    expect(timedOut).to.include({ code: 'timeout' });
    // A later publish on the same publisher still gets its answer.
    expect((await publisher.publish(`${stream}.c`, bytes('y'))).stream).to.equal(stream);
  });
});

function expectStream(name: string) {
  const h = headers();
  h.set('Nats-Expected-Stream', name);
  return h;
}
