import { expect } from 'chai';
import { createLogger, formatLogLine } from './log.js';
import { withTrace } from './trace.js';

const at = new Date('2026-11-21T10:00:00.000Z');

describe('log', () => {
  it('writes one JSON line with the fixed keys first', () => {
    const line = formatLogLine(
      { timestamp: at, level: 'info', service: 'chat', message: 'hello' },
      undefined,
      {
        room: '42',
      },
    );
    expect(line).not.to.contain('\n');
    expect(JSON.parse(line)).to.deep.equal({
      timestamp: '2026-11-21T10:00:00.000Z',
      level: 'info',
      service: 'chat',
      message: 'hello',
      trace_id: null,
      correlation_id: null,
      span_id: null,
      room: '42',
    });
    expect(Object.keys(JSON.parse(line)).slice(0, 7)).to.deep.equal([
      'timestamp',
      'level',
      'service',
      'message',
      'trace_id',
      'correlation_id',
      'span_id',
    ]);
  });

  it('takes trace ids from the current trace context', () => {
    const lines: string[] = [];
    const log = createLogger({ service: 'gateway', write: (l) => lines.push(l), now: () => at });
    withTrace({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), correlationId: 'req-1' }, () =>
      log.info('in'),
    );
    log.info('out');
    const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).to.include({ trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), correlation_id: 'req-1' });
    expect(outside).to.include({ trace_id: null, span_id: null, correlation_id: null });
  });

  it('filters by level, binds child fields and cannot be made to lie about fixed keys', () => {
    const lines: string[] = [];
    const log = createLogger({ service: 'chat', level: 'warn', write: (l) => lines.push(l) });
    log.info('dropped');
    log.child({ room: '7' }).warn('kept', { level: 'debug', service: 'evil', extra: 1n });
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.include({ level: 'warn', service: 'chat', room: '7', extra: '1' });
  });

  it('serialises errors with name, message and stack', () => {
    const line = formatLogLine({ timestamp: at, level: 'error', service: 's', message: 'm' }, undefined, {
      error: new TypeError('boom'),
    });
    const error = (JSON.parse(line) as { error: Record<string, string> }).error;
    expect(error.name).to.equal('TypeError');
    expect(error.message).to.equal('boom');
    expect(error.stack).to.contain('TypeError: boom');
  });
});
