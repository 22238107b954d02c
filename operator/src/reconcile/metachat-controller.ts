import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Logger } from '../../../services/kit/log.js';
import { Controller } from '../runtime/controller.js';
import { MetaChatReconciler } from './metachat.js';
import { ownKind, splitKey } from './watches.js';

const managedBy = 'app.kubernetes.io/managed-by=metachat-operator';

/** The MetaChat controller: reconciles on changes to MetaChats and to the Deployments they own. */
export function metaChatController(kc: KubeConfig, log: Logger, registry: Registry): Controller {
  const apps = kc.makeApiClient(AppsV1Api);
  const reconciler = new MetaChatReconciler(kc, log.child({ kind: 'MetaChat' }));
  return new Controller({
    kind: 'MetaChat',
    kc,
    log,
    registry,
    watched: [
      ownKind(kc, 'metachats'),
      {
        path: '/apis/apps/v1/deployments',
        labelSelector: managedBy,
        list: () => apps.listDeploymentForAllNamespaces({ labelSelector: managedBy }),
        keyOf: (o) => {
          const owner = o.metadata?.ownerReferences?.find((r) => r.kind === 'MetaChat' && r.controller);
          return owner ? `${o.metadata?.namespace}/${owner.name}` : undefined;
        },
      },
    ],
    reconcile: (key) => reconciler.reconcile(...splitKey(key)),
  });
}
