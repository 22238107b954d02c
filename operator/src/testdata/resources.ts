import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { apiVersion, group, version } from '../api/common.js';
import { allCrds } from '../api/crd.js';

type Kind = (typeof allCrds)[number]['spec']['names']['kind'];

/** Creates one of our resources as a user would (kubectl create), for tests. */
export function createResource(
  kc: KubeConfig,
  kind: Kind,
  name: string,
  spec: object,
  namespace = 'default',
) {
  const plural = allCrds.find((crd) => crd.spec.names.kind === kind)!.spec.names.plural;
  return kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural,
    body: { apiVersion, kind, metadata: { name }, spec },
  });
}
