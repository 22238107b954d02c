import { expect } from 'chai';
import type { Condition } from '../api/common.js';
import { transitions } from './status.js';

const c = (type: Condition['type'], status: Condition['status'], reason: string): Condition => ({
  type,
  status,
  reason,
  message: `${type} ${reason}`,
  lastTransitionTime: '2026-01-01T00:00:00Z',
});

describe('MetaChat events', () => {
  it('reports becoming degraded, recovering and becoming ready, once each', () => {
    const degraded = [c('Ready', 'False', 'SecretNotFound'), c('Degraded', 'True', 'SecretNotFound')];
    const rolling = [c('Ready', 'False', 'RolloutInProgress'), c('Degraded', 'False', 'AsExpected')];
    const ready = [c('Ready', 'True', 'AllServicesAvailable'), c('Degraded', 'False', 'AsExpected')];
    expect(transitions(undefined, degraded)).to.deep.equal([
      { type: 'Warning', reason: 'SecretNotFound', message: 'Degraded SecretNotFound' },
    ]);
    expect(transitions(degraded, degraded)).to.deep.equal([]);
    expect(transitions(degraded, rolling)).to.deep.equal([
      { type: 'Normal', reason: 'Recovered', message: 'no longer degraded' },
    ]);
    expect(transitions(rolling, ready)).to.deep.equal([
      { type: 'Normal', reason: 'AllServicesAvailable', message: 'Ready AllServicesAvailable' },
    ]);
    expect(transitions(ready, ready)).to.deep.equal([]);
  });
});
