import { expect } from 'chai';
import { MongoServerError, MongoServerSelectionError } from 'mongodb';
import { validationFailed } from '../kit/api-error.js';
import { afterFailure, batchDueIn } from './projection.js';

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

describe('afterFailure (what a projection does after a failed write)', () => {
  const outage = new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', {} as never);
  const notPrimary = new MongoServerError({ code: 10107, errmsg: 'not primary' });

  it('waits out an outage of the store however often it has failed', () => {
    for (const faults of [0, 1, 5, 1000]) {
      expect(afterFailure(outage, faults, 5)).to.equal('wait');
      expect(afterFailure(notPrimary, faults, 5)).to.equal('wait');
    }
  });

  it('retries anything else up to maxAttempts, then gives up (the events are tried alone and parked)', () => {
    const poison = [
      new SyntaxError('Unexpected end of JSON input'),
      validationFailed('text is required', { field: 'text' }),
      new MongoServerError({ code: 121, errmsg: 'Document failed validation' }),
    ];
    for (const err of poison) {
      expect(afterFailure(err, 1, 5)).to.equal('retry');
      expect(afterFailure(err, 4, 5)).to.equal('retry');
      expect(afterFailure(err, 5, 5)).to.equal('give-up');
      expect(afterFailure(err, 1, 1)).to.equal('give-up');
    }
  });
});
