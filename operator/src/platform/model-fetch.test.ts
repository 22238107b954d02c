import { expect } from 'chai';
import { addressAllowed, allowList } from './model-fetch.js';

describe('model downloads: which addresses the operator may reach', () => {
  const none = allowList([]);

  it('refuses loopback, private, link-local (cloud metadata) and reserved addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
    ]) {
      expect(addressAllowed(address, none), address).to.equal(false);
    }
  });

  it('lets public addresses through', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::6810:85e5']) {
      expect(addressAllowed(address, none), address).to.equal(true);
    }
  });

  it('lets the allowed networks through, and only those', () => {
    const cluster = allowList(['10.96.0.0/12', '127.0.0.1/32']);
    expect(addressAllowed('10.100.0.7', cluster)).to.equal(true);
    expect(addressAllowed('127.0.0.1', cluster)).to.equal(true);
    expect(addressAllowed('127.0.0.2', cluster)).to.equal(false);
    expect(addressAllowed('10.0.0.1', cluster)).to.equal(false);
  });

  it('names a network it cannot read', () => {
    expect(() => allowList(['10.0.0.0'])).to.throw(/"10.0.0.0" is not a network/);
    expect(() => allowList(['10.0.0.0/33'])).to.throw(/is not a network/);
    expect(() => allowList(['example.com/8'])).to.throw(/is not a network/);
  });
});
