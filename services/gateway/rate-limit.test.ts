import { expect } from 'chai';
import { classOf, defaultRateLimits, parseRateLimits } from './rate-limit.js';

describe('rate limit settings', () => {
  it('reads per-kind limits, "off", and the defaults', () => {
    expect(parseRateLimits('auth=5, write=60')).to.deep.equal({ auth: 5, write: 60 });
    expect(parseRateLimits('off')).to.deep.equal({});
    expect(parseRateLimits(defaultRateLimits)).to.deep.equal({
      auth: 20,
      account: 10,
      read: 1200,
      write: 300,
    });
  });

  it('names the part it cannot read', () => {
    expect(() => parseRateLimits('auth=5,chat=3')).to.throw('"chat=3"');
    expect(() => parseRateLimits('read=0')).to.throw('"read=0"');
    expect(() => parseRateLimits('write=lots')).to.throw('"write=lots"');
  });

  it('counts reads and writes apart', () => {
    expect(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'PUT'].map(classOf)).to.deep.equal([
      'read',
      'read',
      'write',
      'write',
      'write',
      'write',
    ]);
  });
});
