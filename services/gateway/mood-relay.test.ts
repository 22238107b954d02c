import { expect } from 'chai';
import { mayShowScore } from './mood-relay.js';

describe('live mood scores: who sees them', () => {
  const bob = { user: 'u_bob', blocked: new Set<string>() };

  it('go wherever the text goes', () => {
    expect(mayShowScore(bob, 'u_ann', false)).to.equal(true);
  });

  it('not to someone who blocked the author', () => {
    expect(mayShowScore({ ...bob, blocked: new Set(['u_ann']) }, 'u_ann', false)).to.equal(false);
  });

  it('of a hidden message, only to its author', () => {
    expect(mayShowScore(bob, 'u_ann', true)).to.equal(false);
    expect(mayShowScore({ user: 'u_ann', blocked: new Set() }, 'u_ann', true)).to.equal(true);
  });
});
