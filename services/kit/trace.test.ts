import { expect } from 'chai';
import { formatTraceparent, parseTraceparent, traceFromHeaders } from './trace.js';

describe('trace', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('continues a valid W3C traceparent with a new span', () => {
    const trace = traceFromHeaders({
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      correlationId: 'abc-1',
    });
    expect(trace.traceId).to.equal(traceId);
    expect(trace.spanId)
      .to.match(/^[0-9a-f]{16}$/)
      .and.not.equal('00f067aa0ba902b7');
    expect(trace.correlationId).to.equal('abc-1');
    expect(parseTraceparent(formatTraceparent(trace))).to.deep.equal({ traceId, parentSpanId: trace.spanId });
  });

  it('starts a new trace for a missing, malformed or all-zero traceparent', () => {
    for (const traceparent of [undefined, 'garbage', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`]) {
      const trace = traceFromHeaders({ traceparent });
      expect(trace.traceId)
        .to.match(/^[0-9a-f]{32}$/)
        .and.not.equal(traceId);
      expect(trace.correlationId).to.equal(trace.traceId);
    }
  });

  it('ignores a correlation id that could inject into logs', () => {
    expect(traceFromHeaders({ correlationId: 'a\nb' }).correlationId).to.match(/^[0-9a-f]{32}$/);
    expect(traceFromHeaders({ correlationId: 'x'.repeat(200) }).correlationId).to.have.length(32);
  });
});
