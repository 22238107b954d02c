import { expect } from 'chai';
import { parseRevocation, revokes } from './revocation.js';

describe('identity: revocation announcements', () => {
  const claims = { sub: 'u_ann', jti: 'token-1', sid: 'login-1', exp: 2_000_000_000 };

  it('parses a token, a login or a user, and nothing else', () => {
    expect(parseRevocation({ jti: 'token-1' })).to.deep.equal({ jti: 'token-1' });
    expect(parseRevocation({ session: 'login-1' })).to.deep.equal({ session: 'login-1' });
    expect(parseRevocation({ user: 'u_ann' })).to.deep.equal({ user: 'u_ann' });
    for (const bad of [
      null,
      'token-1',
      {},
      { jti: '' },
      { jti: 7 },
      { session: ['login-1'] },
      { user: { $gt: '' } },
      { __proto__: { jti: 'token-1' } },
      [],
    ])
      expect(parseRevocation(bad), JSON.stringify(bad)).to.equal(undefined);
  });

  it('ends the named token, every token of the named login, or every token of the named user', () => {
    expect(revokes({ jti: 'token-1' }, claims)).to.equal(true);
    expect(revokes({ jti: 'token-2' }, claims)).to.equal(false);
    expect(revokes({ session: 'login-1' }, claims)).to.equal(true);
    expect(revokes({ session: 'login-2' }, claims)).to.equal(false);
    expect(revokes({ user: 'u_ann' }, claims)).to.equal(true);
    expect(revokes({ user: 'u_bob' }, claims)).to.equal(false);
  });

  it('never matches a login to a token that names none', () => {
    const { sid: _, ...unnamed } = claims;
    expect(revokes({ session: 'login-1' }, unnamed)).to.equal(false);
  });
});
