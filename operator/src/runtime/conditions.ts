import type { Condition } from '../api/common.js';

export type ConditionType = Condition['type'];
export type Observed = Record<
  ConditionType,
  { status: Condition['status']; reason: string; message: string }
>;

/**
 * The status conditions to write: what was observed, keeping each
 * condition's lastTransitionTime while its status does not change (so
 * `kubectl describe` and Argo CD see real transitions, not every reconcile).
 */
export function nextConditions(
  previous: Condition[] | undefined,
  observed: Observed,
  generation: number,
  now: Date,
): Condition[] {
  return (Object.keys(observed) as ConditionType[]).map((type) => {
    const before = previous?.find((c) => c.type === type);
    const { status, reason, message } = observed[type];
    return {
      type,
      status,
      reason,
      message,
      observedGeneration: generation,
      lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now.toISOString(),
    };
  });
}

/** Not ready, not progressing, degraded: all for one reason. */
export const degraded = (reason: string, message: string): Observed => ({
  Ready: { status: 'False', reason, message },
  Progressing: { status: 'False', reason, message },
  Degraded: { status: 'True', reason, message },
});
