import { expect } from 'chai';
import { WebSocket } from 'ws';
import { MetaChat, liveSocketUrl } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';

// Inputs the fuzz suite found answered outside the project's error format,
// kept as plain cases so each stays fixed.

describe('fuzz findings: errors in the error format (services as processes)', function () {
  this.timeout(60_000);
  let platform: Platform;
  let ann: MetaChat;

  before(async () => {
    platform = await startTestPlatform('fuzzfindings');
    ann = new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    await ann.register('fuzz-findings@example.com', 'Ann', 'ann-password');
  });
  after(async () => platform?.stop());

  it('answers a request line past the header limit with 431 in the error format', async () => {
    const res = await fetch(`${platform.gateways[0]!.url}/api/v1/me?q=${'x'.repeat(20_000)}`, {
      headers: { authorization: `Bearer ${ann.tokens!.accessToken}` },
    });
    expect(res.status).to.equal(431);
    expect(await res.json()).to.deep.include({ error: 'headers_too_large', code: 431 });
  });

  it('answers a mood model that no service serves with 404, not 503', async () => {
    const error = await ann
      .api('POST', '/mood/analyze', { text: 'hello', model: 'nobody' })
      .catch((e: unknown) => e as { status: number; error: string; details?: { field?: string } });
    expect(error).to.deep.include({ status: 404, error: 'model_not_found' });
  });

  it('answers invalid WebSocket frames with error frames carrying code 400 and the field', async () => {
    const ws = new WebSocket(liveSocketUrl(platform.gateways[0]!.url, ann.tokens!.accessToken));
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    for (const frame of [
      'x'.repeat(64),
      '{"type":"heartbeat","state":"asleep"}',
      '{"type":"typing","room":"r_nowhere"}',
      '{"type":"subscribe","rooms":"r_1"}',
      '{"type":"subscribe","rooms":[{"room":"r_1","after":"x"}]}',
      '{"type":"ping"}',
    ])
      ws.send(frame);
    await new Promise<void>((resolve) => ws.on('message', () => frames.at(-1)?.type === 'pong' && resolve()));
    ws.close();
    const errors = frames.filter((f) => f.type === 'error');
    expect(
      errors.map((f) => [f.error, f.code, (f.details as { field?: string } | undefined)?.field]),
    ).to.deep.equal([
      ['validation_failed', 400, 'body'],
      ['validation_failed', 400, 'state'],
      ['validation_failed', 400, 'room'],
      ['validation_failed', 400, 'type'],
      ['validation_failed', 400, 'rooms'],
    ]);
  });
});
