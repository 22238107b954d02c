import { expect } from 'chai';
import { raise } from './read-model.js';

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
