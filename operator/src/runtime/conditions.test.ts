import { expect } from 'chai';
import { nextConditions, type Observed } from './conditions.js';

const observed = (ready: 'True' | 'False'): Observed => ({
  Ready: { status: ready, reason: ready === 'True' ? 'Available' : 'RolloutInProgress', message: '' },
  Progressing: { status: ready === 'True' ? 'False' : 'True', reason: 'Rollout', message: '' },
  Degraded: { status: 'False', reason: 'AsExpected', message: '' },
});

describe('status conditions', () => {
  it('keeps the transition time while a status holds and moves it when it changes', () => {
    const t1 = new Date('2026-01-01T00:00:00Z');
    const t2 = new Date('2026-01-01T00:05:00Z');
    const first = nextConditions(undefined, observed('False'), 1, t1);
    const same = nextConditions(first, observed('False'), 2, t2);
    expect(same.map((c) => c.lastTransitionTime)).to.deep.equal([t1, t1, t1].map((t) => t.toISOString()));
    expect(same.every((c) => c.observedGeneration === 2)).to.equal(true);
    const changed = nextConditions(same, observed('True'), 2, t2);
    expect(changed.find((c) => c.type === 'Ready')).to.deep.include({
      status: 'True',
      lastTransitionTime: t2.toISOString(),
    });
    expect(changed.find((c) => c.type === 'Degraded')!.lastTransitionTime).to.equal(t1.toISOString());
  });
});
