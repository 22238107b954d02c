import { expect } from 'chai';
import type { Portrait } from '../portrait/portrait-store.js';
import { matchReasons } from './explain.js';
import { PortraitIndex } from './portrait-index.js';
import { recommendEntries, recommendRooms } from './recommend.js';
import { portraitVector, vectorDims } from './vector.js';

const portrait = (
  user: string,
  valenceMean: number,
  emotions: Record<string, number>,
  tags: string[],
  rooms: { room: string; messages: number; valenceMean: number }[] = [],
): Portrait => ({
  user,
  mood: { count: 10, valenceMean, volatility: 0.2, emotions },
  interests: { tags: tags.map((tag) => ({ tag, entries: 3 })), rooms },
  updatedAt: 0,
});

const hiker = portrait('ann', 0.7, { joy: 0.8, neutral: 0.2 }, ['hiking', 'outdoors']);
const otherHiker = portrait('bob', 0.6, { joy: 0.7, neutral: 0.3 }, ['hiking', 'travel']);
const gloomy = portrait('cat', -0.6, { sadness: 0.7, fear: 0.2, neutral: 0.1 }, ['work']);

describe('matching', () => {
  it('makes unit vectors whose dot product ranks the similar portrait first', () => {
    const [a, b, c] = [hiker, otherHiker, gloomy].map((p) => portraitVector(p)!) as [
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(dot(a, a)).to.be.closeTo(1, 1e-5);
    expect(dot(a, b)).to.be.above(dot(a, c));
    expect(portraitVector({ ...hiker, mood: { ...hiker.mood, count: 0 } })).to.equal(undefined);
  });

  it('finds exactly the k nearest rows, best first, after updates and removals', () => {
    const index = new PortraitIndex(vectorDims, 2); // grows past its first capacity
    const rows = Array.from({ length: 300 }, (_, i) => {
      const v = new Float32Array(vectorDims).map((_, d) => Math.sin(i * 7 + d * 3));
      return { id: `u${i}`, v };
    });
    for (const { id, v } of rows) index.upsert(id, v);
    for (let i = 0; i < 300; i += 3) index.remove(`u${i}`);
    index.upsert('u1', rows[2]!.v);
    const query = rows[5]!.v;
    const expected = rows
      .filter((_, i) => i % 3 !== 0 && i !== 7)
      .map(({ id, v }) => ({
        id,
        score: (id === 'u1' ? rows[2]!.v : v).reduce((s, x, d) => s + x * query[d]!, 0),
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10)
      .map((r) => r.id);
    expect(index.size).to.equal(200);
    const found = index.nearest(query, 10, new Set(['u7']));
    expect(found.map((r) => r.id)).to.deep.equal(expected);
  });

  it('explains a match by shared interests and mood pattern', () => {
    expect(matchReasons(hiker, otherHiker).map((r) => r.text)).to.deep.equal([
      'shared interests: hiking',
      'similar mood pattern: mostly positive (0.7 and 0.6)',
      'you both feel joy most often',
      'both with a steady mood',
    ]);
    expect(matchReasons(hiker, gloomy).filter((r) => r.kind === 'interests')).to.deep.equal([]);
  });

  it('recommends rooms similar people feel good in and I do not write in', () => {
    const me = portrait('ann', 0.7, { joy: 0.8 }, [], [{ room: 'mine', messages: 3, valenceMean: 0.5 }]);
    const bob = portrait(
      'bob',
      0.6,
      { joy: 0.7 },
      [],
      [
        { room: 'mine', messages: 9, valenceMean: 0.9 },
        { room: 'trail', messages: 4, valenceMean: 0.8 },
        { room: 'rant', messages: 20, valenceMean: -0.5 },
      ],
    );
    const rooms = recommendRooms(me, [{ portrait: bob, similarity: 0.9 }], 5);
    expect(rooms.map((r) => r.room)).to.deep.equal(['trail']);
    expect(rooms[0]!.reasons[0]!.text).to.equal(
      '1 person with a mood pattern like yours feels good here (mean valence 0.8)',
    );
  });

  it('recommends entries by the summed similarity of who found them helpful, with reasons', () => {
    const found = [
      { entry: 'e_a', title: 'Alone on the trail', tags: ['hiking'], by: ['bob'] },
      { entry: 'e_b', title: 'Night shift', tags: ['work'], by: ['bob', 'dan'] },
      { entry: 'e_c', title: 'Marked by a stranger', tags: ['hiking'], by: ['eve'] },
      { entry: 'e_d', title: 'Marked by an opposite', tags: [], by: ['cat'] },
    ];
    const similar = [
      { user: 'bob', similarity: 0.9 },
      { user: 'dan', similarity: 0.5 },
      { user: 'cat', similarity: -0.4 },
    ];
    const entries = recommendEntries(hiker, similar, found, 10);
    // e_c: nobody similar marked it; e_d: only someone unlike me did.
    expect(entries.map((e) => [e.entry, e.score])).to.deep.equal([
      ['e_b', 1.4],
      ['e_a', 0.9],
    ]);
    expect(entries[0]!.reasons.map((r) => r.text)).to.deep.equal([
      '2 people with a mood pattern like yours found this helpful',
    ]);
    expect(entries[1]!.reasons.map((r) => r.text)).to.deep.equal([
      '1 person with a mood pattern like yours found this helpful',
      'about hiking, like your entries',
    ]);
    expect(recommendEntries(hiker, similar, found, 1)).to.have.length(1);
  });
});
