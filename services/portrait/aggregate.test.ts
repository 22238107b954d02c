import { expect } from 'chai';
import { bucketStarts, summarize, sumsDelta, type Sums } from './aggregate.js';

const add = (a: Sums, b: Sums): Sums => ({
  n: a.n + b.n,
  sum: a.sum + b.sum,
  sumSq: a.sumSq + b.sumSq,
  emotions: Object.fromEntries(
    [...new Set([...Object.keys(a.emotions), ...Object.keys(b.emotions)])].map((k) => [
      k,
      (a.emotions[k] ?? 0) + (b.emotions[k] ?? 0),
    ]),
  ),
});
const empty: Sums = { n: 0, sum: 0, sumSq: 0, emotions: {} };

describe('mood aggregates', () => {
  it('summarizes mean, volatility (standard deviation) and emotion shares', () => {
    let sums = empty;
    sums = add(sums, sumsDelta(undefined, { valenceScore: 0.8, emotions: { joy: 1, sadness: 0 } }));
    sums = add(sums, sumsDelta(undefined, { valenceScore: -0.4, emotions: { joy: 0, sadness: 1 } }));
    expect(summarize(sums)).to.deep.equal({
      count: 2,
      valenceMean: 0.2,
      volatility: 0.6,
      emotions: { joy: 0.5, sadness: 0.5 },
    });
    expect(summarize(empty)).to.deep.equal({ count: 0, valenceMean: 0, volatility: 0, emotions: {} });
  });

  it('replaces a re-scored item instead of counting it twice', () => {
    const first = { valenceScore: -0.5, emotions: { sadness: 1 } };
    const rescored = { valenceScore: 0.5, emotions: { joy: 1 } };
    const sums = add(sumsDelta(undefined, first), sumsDelta(first, rescored));
    expect(summarize(sums)).to.deep.equal({
      count: 1,
      valenceMean: 0.5,
      volatility: 0,
      emotions: { joy: 1, sadness: 0 },
    });
  });

  it('puts an instant into its UTC day, ISO week (from Monday) and month', () => {
    // Sunday 2026-11-22 23:30 UTC belongs to the week that began on Monday 2026-11-16.
    expect(bucketStarts(Date.UTC(2026, 10, 22, 23, 30))).to.deep.equal({
      day: '2026-11-22',
      week: '2026-11-16',
      month: '2026-11-01',
    });
    expect(bucketStarts(Date.UTC(2026, 10, 23, 0, 1)).week).to.equal('2026-11-23');
  });
});
