import { headers } from '@nats-io/transport-node';
import { expect } from 'chai';
import { pubAckOf, PublishError } from './jetstream-publisher.js';

const reply = (body: string, status?: number) => {
  const h = status === undefined ? undefined : headers(status, 'No Responders');
  return { data: new TextEncoder().encode(body), headers: h };
};

describe('JetStream acknowledgements', () => {
  it('reads the stream, sequence and duplicate flag', () => {
    expect(pubAckOf(reply('{"stream":"S","seq":7}'), 'a')).to.deep.equal({
      stream: 'S',
      seq: 7,
      duplicate: false,
    });
    expect(pubAckOf(reply('{"stream":"S","seq":7,"duplicate":true}'), 'a')).to.include({ duplicate: true });
  });

  it('names why there is no acknowledgement', () => {
    const code = (outcome: unknown) => (outcome as PublishError).code;
    expect(code(pubAckOf(reply('', 503), 'a.b'))).to.equal('no_stream');
    const refused = pubAckOf(
      reply('{"error":{"code":400,"description":"expected stream does not match"}}'),
      'a',
    );
    expect(refused).to.be.instanceOf(PublishError);
    expect((refused as PublishError).message).to.match(/expected stream does not match/);
    expect(code(pubAckOf(reply('not json'), 'a'))).to.equal('refused');
    expect(code(pubAckOf(reply('{"stream":"","seq":1}'), 'a'))).to.equal('refused');
    expect(code(pubAckOf(reply('{"stream":"S"}'), 'a'))).to.equal('refused');
  });
});
