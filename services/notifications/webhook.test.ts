import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { signatureOf, verifySignature } from './webhook.js';

describe('notifications: push hook signatures', () => {
  const secret = 'hook-secret';
  const body = '{"type":"notification"}';
  const t = 1_800_000_000;

  it("signs timestamp and body in Stripe's t=…,v1=… format", () => {
    const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureOf(secret, body, t)).to.equal(`t=${t},v1=${v1}`);
  });

  it('verifies a fresh push and refuses a replayed, altered or re-dated one', () => {
    const header = signatureOf(secret, body, t);
    expect(verifySignature(secret, body, header, t + 299)).to.equal(true);
    expect(verifySignature(secret, body, header, t + 301)).to.equal(false);
    expect(verifySignature(secret, `${body} `, header, t)).to.equal(false);
    expect(verifySignature(secret, body, header.replace(`t=${t}`, `t=${t + 60}`), t + 60)).to.equal(false);
    expect(verifySignature('another secret', body, header, t)).to.equal(false);
    for (const bad of [undefined, '', 'sha256=abc', `t=${t}`, `t=soon,v1=00`])
      expect(verifySignature(secret, body, bad, t), String(bad)).to.equal(false);
  });
});
