import { CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { group, version } from '../api/common.js';
import type { Watched } from '../runtime/controller.js';

export const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;

export const splitKey = (key: string) => key.split('/') as [namespace: string, name: string];

/** A watch on one of our own kinds in every namespace; each object is its own key. */
export function ownKind(kc: KubeConfig, plural: string): Watched {
  const custom = kc.makeApiClient(CustomObjectsApi);
  return {
    path: `/apis/${group}/${version}/${plural}`,
    list: async () =>
      (await custom.listClusterCustomObject({ group, version, plural })) as { items: KubernetesObject[] },
    keyOf,
  };
}
