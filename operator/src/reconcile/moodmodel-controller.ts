import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Logger } from '../../../services/kit/log.js';
import type { PlatformConnections } from '../platform/connections.js';
import type { FetchPolicy } from '../platform/model-fetch.js';
import { Controller } from '../runtime/controller.js';
import { MoodModelReconciler } from './moodmodel.js';
import { ownKind, splitKey } from './watches.js';

/** The MoodModel controller: reconciles on changes to MoodModels (and every minute, for replica counts). */
export function moodModelController(
  kc: KubeConfig,
  platforms: PlatformConnections,
  log: Logger,
  registry: Registry,
  fetchPolicy?: FetchPolicy,
): Controller {
  const reconciler = new MoodModelReconciler(kc, platforms, log.child({ kind: 'MoodModel' }), fetchPolicy);
  return new Controller({
    kind: 'MoodModel',
    kc,
    log,
    registry,
    watched: [ownKind(kc, 'moodmodels')],
    // One at a time: each reconcile rewrites its platform's routing from all its models.
    workers: 1,
    reconcile: (key) => reconciler.reconcile(...splitKey(key)),
  });
}
