import { expect } from 'chai';
import type { TrackedMessage } from './room-model.js';
import {
  noTrackedMessages,
  readTrackedMessages,
  trackedMessage,
  withChanged,
  withNewest,
  type TrackedMessages,
} from './tracked-messages.js';

const by = (author: string): TrackedMessage => ({ author, deleted: false, reactions: {} });

/** Messages at sequences with gaps (other events take sequences too). */
function tracked(seqs: number[], limit = 100): TrackedMessages {
  return seqs.reduce((t, seq) => withNewest(t, seq, by(`u${seq}`), limit), noTrackedMessages());
}

describe('tracked messages', () => {
  it('finds each tracked message by sequence, and nothing between or beyond them', () => {
    const t = tracked([3, 4, 9, 20, 21]);
    for (const seq of [3, 4, 9, 20, 21]) expect(trackedMessage(t, seq)).to.deep.equal(by(`u${seq}`));
    for (const seq of [0, 1, 5, 10, 22, 1_000_000]) expect(trackedMessage(t, seq)).to.equal(undefined);
  });

  it('keeps the newest `limit` messages, dropping the oldest', () => {
    const t = tracked([1, 2, 3, 4, 5], 3);
    expect(t.seqs).to.deep.equal([3, 4, 5]);
    expect(trackedMessage(t, 2)).to.equal(undefined);
    expect(trackedMessage(t, 5)).to.deep.equal(by('u5'));
  });

  it('changes one message in a copy, and returns the same object when the message is not tracked', () => {
    const before = tracked([3, 4, 9]);
    const after = withChanged(before, 4, (m) => ({ ...m, deleted: true }));
    expect(trackedMessage(after, 4)!.deleted).to.equal(true);
    expect(trackedMessage(before, 4)!.deleted).to.equal(false);
    expect(trackedMessage(after, 9)).to.equal(trackedMessage(before, 9));
    expect(withChanged(before, 5, (m) => ({ ...m, deleted: true }))).to.equal(before);
  });

  it('reads this shape and the object keyed by sequence written before it', () => {
    const t = tracked([3, 10, 200]);
    expect(readTrackedMessages(JSON.parse(JSON.stringify(t)))).to.deep.equal(t);
    expect(readTrackedMessages({ '200': by('u200'), '3': by('u3'), '10': by('u10') })).to.deep.equal(t);
    expect(readTrackedMessages(undefined)).to.deep.equal(noTrackedMessages());
  });
});
