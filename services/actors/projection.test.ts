import { expect } from 'chai';
import { batchDueIn } from './projection.js';

describe('batchDueIn (when a projection writes the batch it gathers)', () => {
  const rules = { batchSize: 10, lingerMs: 50, readersWaiting: false };

  it('is undefined while nothing gathers', () => {
    expect(batchDueIn({ count: 0, oldestAt: 0 }, rules, 1000)).to.equal(undefined);
  });

  it('waits out the linger from the oldest event', () => {
    expect(batchDueIn({ count: 3, oldestAt: 1000 }, rules, 1020)).to.equal(30);
    expect(batchDueIn({ count: 3, oldestAt: 1000 }, rules, 1050)).to.equal(0);
    expect(batchDueIn({ count: 3, oldestAt: 1000 }, rules, 1200)).to.equal(0);
  });

  it('is due at once when the batch is full or a reader waits', () => {
    expect(batchDueIn({ count: 10, oldestAt: 1000 }, rules, 1001)).to.equal(0);
    expect(batchDueIn({ count: 1, oldestAt: 1000 }, { ...rules, readersWaiting: true }, 1001)).to.equal(0);
  });

  it('without a linger, writes whatever arrived at once', () => {
    expect(batchDueIn({ count: 1, oldestAt: 1000 }, { ...rules, lingerMs: 0 }, 1000)).to.equal(0);
  });
});
