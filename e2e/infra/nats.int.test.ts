import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { server } from '../testenv/root-hooks.js';

describe('test environment: nats-server with JetStream', () => {
  let nc: NatsConnection;
  before(async () => {
    nc = await connect({ servers: server('nats').url });
  });
  after(() => nc?.close());

  it('runs nats-server 2.10 or newer', () => {
    const [major, minor] = (nc.info?.version ?? '0.0').split('.').map(Number);
    expect(major! * 100 + minor!).to.be.at.least(210);
  });

  it('de-duplicates a re-published Nats-Msg-Id within the window', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'DEDUP_TEST', subjects: ['dedup.>'], duplicate_window: 60_000_000_000 });
    const js = jetstream(nc);

    const first = await js.publish('dedup.room.1', 'hello', { msgID: 'cmd-1' });
    const again = await js.publish('dedup.room.1', 'hello', { msgID: 'cmd-1' });
    const other = await js.publish('dedup.room.1', 'world', { msgID: 'cmd-2' });

    expect(first.duplicate).to.equal(false);
    expect(again.duplicate).to.equal(true);
    expect(again.seq).to.equal(first.seq);
    expect(other.seq).to.equal(first.seq + 1);
    expect((await jsm.streams.info('DEDUP_TEST')).state.messages).to.equal(2);
  });

  it('supports 2.10 features: several filter subjects on one consumer', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'FILTERS_TEST', subjects: ['f.>'] });
    const js = jetstream(nc);
    const h = headers();
    h.set('kind', 'test');
    for (const subject of ['f.a', 'f.b', 'f.c']) await js.publish(subject, subject, { headers: h });
    await jsm.consumers.add('FILTERS_TEST', { durable_name: 'ac', filter_subjects: ['f.a', 'f.c'] });
    const consumer = await js.consumers.get('FILTERS_TEST', 'ac');
    const batch = await consumer.fetch({ max_messages: 2, expires: 1000 });
    const got: string[] = [];
    for await (const m of batch) {
      got.push(m.subject);
      m.ack();
    }
    expect(got).to.deep.equal(['f.a', 'f.c']);
  });
});
