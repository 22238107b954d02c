import type { CustomObjectsApi } from '@kubernetes/client-node';
import { group, version } from '../api/common.js';
import type { Resource } from './resource.js';

/**
 * Adds or removes a finalizer with a JSON patch that first tests the
 * resourceVersion: a write based on a stale read fails (409/422) and the
 * reconcile retries from a fresh one, so another writer's finalizer is never lost.
 * Returns the object as written, to go on with.
 */
export async function setFinalizer<S>(
  custom: CustomObjectsApi,
  plural: string,
  object: Resource<S>,
  finalizer: string,
  present: boolean,
): Promise<Resource<S>> {
  const current = object.metadata.finalizers ?? [];
  if (current.includes(finalizer) === present) return object;
  const next = present ? [...current, finalizer] : current.filter((f) => f !== finalizer);
  return (await custom.patchNamespacedCustomObject({
    group,
    version,
    namespace: object.metadata.namespace,
    plural,
    name: object.metadata.name,
    body: [
      { op: 'test', path: '/metadata/resourceVersion', value: object.metadata.resourceVersion },
      { op: 'add', path: '/metadata/finalizers', value: next },
    ],
  })) as Resource<S>;
}
