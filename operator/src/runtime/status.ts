import type { CustomObjectsApi } from '@kubernetes/client-node';
import { group, version, type Condition } from '../api/common.js';
import { nextConditions, type Observed } from './conditions.js';
import type { EventRecorder } from './events.js';
import type { Resource } from './resource.js';

type EventType = 'Normal' | 'Warning';

/** What changed between two sets of conditions, as events users see in `kubectl describe`. */
export function transitions(
  before: Condition[] | undefined,
  after: Condition[],
): { type: EventType; reason: string; message: string }[] {
  const was = (type: Condition['type']) => before?.find((c) => c.type === type);
  const events: { type: EventType; reason: string; message: string }[] = [];
  for (const c of after) {
    const previous = was(c.type);
    if (previous?.status === c.status && previous.reason === c.reason) continue;
    if (c.type === 'Degraded' && c.status === 'True')
      events.push({ type: 'Warning', reason: c.reason, message: c.message ?? '' });
    if (c.type === 'Ready' && c.status === 'True')
      events.push({ type: 'Normal', reason: c.reason, message: c.message ?? '' });
    if (c.type === 'Degraded' && c.status === 'False' && previous?.status === 'True') {
      events.push({ type: 'Normal', reason: 'Recovered', message: 'no longer degraded' });
    }
  }
  return events;
}

/**
 * Writes a resource's status (the status subresource only, so spec is never
 * written): conditions from what was observed plus the kind's own fields.
 * Writes nothing when nothing changed, so a reconcile does not trigger
 * another one; records an Event for each real transition.
 */
export class StatusWriter {
  constructor(
    private readonly custom: CustomObjectsApi,
    private readonly events: EventRecorder,
    private readonly plural: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async write<S>(object: Resource<S>, observed: Observed, fields: Record<string, unknown>): Promise<void> {
    const { metadata } = object;
    const status = {
      ...fields,
      observedGeneration: metadata.generation,
      conditions: nextConditions(object.status?.conditions, observed, metadata.generation, this.now()),
    };
    if (statusKey(object.status ?? {}, status) === statusKey(status, status)) return;
    await this.custom.replaceNamespacedCustomObjectStatus({
      group,
      version,
      namespace: metadata.namespace,
      plural: this.plural,
      name: metadata.name,
      body: { ...object, status },
    });
    // After the write: a write that failed (a conflict, retried) records nothing twice.
    for (const e of transitions(object.status?.conditions, status.conditions))
      await this.events.record(object, e.type, e.reason, e.message);
  }
}

/** The status compared field by field (those the new status has), conditions without their timestamps' churn. */
function statusKey(s: Record<string, unknown>, shape: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(shape).map((key) =>
      key === 'conditions'
        ? ((s.conditions as Condition[] | undefined) ?? []).map((c) => [
            c.type,
            c.status,
            c.reason,
            c.message ?? '',
            c.lastTransitionTime,
          ])
        : s[key],
    ),
  );
}
