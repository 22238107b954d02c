import { expect } from 'chai';
import { traceHeaders, traceOfMessage } from './nats-trace.js';
import { withTrace } from './trace.js';

describe('trace across NATS', () => {
  it('continues the sender’s trace and correlation id on the receiving side', () => {
    const sent = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), correlationId: 'req-7' };
    const headers = withTrace(sent, () => traceHeaders());
    const received = traceOfMessage(headers);
    expect(received).to.include({ traceId: sent.traceId, correlationId: 'req-7' });
    expect(received.spanId)
      .to.match(/^[0-9a-f]{16}$/)
      .and.not.equal(sent.spanId);
  });

  it('starts a new trace for a message that carries none', () => {
    const received = traceOfMessage(traceHeaders());
    expect(received.traceId).to.match(/^[0-9a-f]{32}$/);
    expect(received.correlationId).to.equal(received.traceId);
    expect(traceOfMessage(undefined).traceId).to.match(/^[0-9a-f]{32}$/);
  });
});
