import { expect } from 'chai';
import { furthestRead, raise, watermarkOf } from './read-model.js';

describe('the chat read model’s pending writes', () => {
  it('keep the highest value of each field, whatever order the events came in', () => {
    const pending = new Map<string, Record<string, number>>();
    raise(pending, 'r1', { lastSeq: 7, lastActivityAt: 700 });
    raise(pending, 'r1', { lastSeq: 5, lastActivityAt: 900, messageCount: 3 });
    raise(pending, 'r2', { lastSeq: 1, lastActivityAt: 100 });
    expect(Object.fromEntries(pending)).to.deep.equal({
      r1: { lastSeq: 7, lastActivityAt: 900, messageCount: 3 },
      r2: { lastSeq: 1, lastActivityAt: 100 },
    });
  });

  it('are not changed through the fields they were raised with', () => {
    const pending = new Map<string, Record<string, number>>();
    const fields = { readSeq: 4, readN: 2 };
    raise(pending, 'ann#r1', fields);
    raise(pending, 'ann#r1', { readSeq: 9, readN: 5 });
    expect(fields).to.deep.equal({ readSeq: 4, readN: 2 });
    expect(pending.get('ann#r1')).to.deep.equal({ readSeq: 9, readN: 5 });
  });
});

describe('read watermarks', () => {
  it('are the one a member moved, or their own newest message where that is further', () => {
    const room = { authors: { ann: { seq: 40, n: 12 } } };
    expect(watermarkOf({ readSeq: 30, readN: 10 }, room, 'ann')).to.deep.equal({ readSeq: 40, readN: 12 });
    expect(watermarkOf({ readSeq: 50, readN: 15 }, room, 'ann')).to.deep.equal({ readSeq: 50, readN: 15 });
    expect(watermarkOf({ readSeq: 30, readN: 10 }, room, 'bob')).to.deep.equal({ readSeq: 30, readN: 10 });
    expect(watermarkOf({ readSeq: 0, readN: 0 }, {}, 'bob')).to.deep.equal({ readSeq: 0, readN: 0 });
  });

  it('list the furthest first, each member once, at most `limit`', () => {
    const moved = [
      { user: 'bob', seq: 30 },
      { user: 'cat', seq: 20 },
    ];
    const authors = { ann: { seq: 40 }, cat: { seq: 35 }, dan: { seq: 5 } };
    expect(furthestRead(moved, authors, 3)).to.deep.equal([
      { user: 'ann', seq: 40 },
      { user: 'cat', seq: 35 },
      { user: 'bob', seq: 30 },
    ]);
    expect(furthestRead(moved, {}, 1)).to.deep.equal([{ user: 'bob', seq: 30 }]);
  });
});
