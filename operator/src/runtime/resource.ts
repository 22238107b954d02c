import type { CustomObjectsApi } from '@kubernetes/client-node';
import { group, version, type Condition } from '../api/common.js';

/** What the reconcilers read of any MetaChat kind. */
export interface Resource<Spec, Status = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation: number;
    resourceVersion: string;
    finalizers?: string[];
    deletionTimestamp?: string | Date;
  };
  spec: Spec;
  status?: Partial<Status> & { conditions?: Condition[]; observedGeneration?: number };
}

export const notFound = (err: unknown) => (err as { code?: number }).code === 404;
export const conflict = (err: unknown) => (err as { code?: number }).code === 409;

/** One of our resources by name, or undefined when there is none. */
export async function readResource<R>(
  custom: CustomObjectsApi,
  plural: string,
  namespace: string,
  name: string,
): Promise<R | undefined> {
  try {
    return (await custom.getNamespacedCustomObject({ group, version, namespace, plural, name })) as R;
  } catch (err) {
    if (notFound(err)) return undefined;
    throw err;
  }
}
