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

/** A valid MetaChat spec for tests that need one and do not care which (it refers to a Secret "jwt"). */
export const sampleMetaChatSpec = {
  image: 'ghcr.io/metachat/metachat',
  nats: { url: 'nats://nats:4222' },
  mongodb: { url: 'mongodb://mongo:27017' },
  redis: { url: 'redis://redis:6379' },
  jwtSecretRef: { name: 'jwt', key: 'secret' },
};
