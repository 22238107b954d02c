import { expect } from 'chai';
import { fnv1a, partitionOf, partitionsFor, preferredOwner } from './partitioning.js';

describe('partitioning', () => {
  it('hashes stably (FNV-1a reference values)', () => {
    expect(fnv1a('')).to.equal(0x811c9dc5);
    expect(fnv1a('a')).to.equal(0xe40c292c);
    expect(fnv1a('foobar')).to.equal(0xbf9cf968);
  });

  it('spreads actors over partitions', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`room-${i}`, 16)]!++;
    expect(Math.min(...counts)).to.be.above(800);
    expect(Math.max(...counts)).to.be.below(1200);
  });

  it('gives every partition exactly one owner among the members', () => {
    const members = ['a', 'b', 'c'];
    const owned = members.map((m) => partitionsFor(m, members, 32));
    const all = owned.flatMap((s) => [...s]).sort((x, y) => x - y);
    expect(all).to.deep.equal([...Array(32).keys()]);
    for (const set of owned) expect(set.size).to.be.within(5, 20);
  });

  it('moves only the leaving member’s partitions when one leaves', () => {
    const before = new Map([...Array(64).keys()].map((p) => [p, preferredOwner(p, ['a', 'b', 'c'])]));
    const after = new Map([...Array(64).keys()].map((p) => [p, preferredOwner(p, ['a', 'b'])]));
    for (const [p, owner] of before) if (owner !== 'c') expect(after.get(p)).to.equal(owner);
    expect([...after.values()]).not.to.include('c');
  });
});
