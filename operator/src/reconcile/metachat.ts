import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { Logger } from '../../../services/kit/log.js';
import { platformServices, type MetaChatSpec } from '../api/metachat.js';
import { childName, ownerLabels, planMetaChat, type K8sObject } from '../plans/metachat.js';
import { degraded, type Observed } from '../runtime/conditions.js';
import { serverSideApply } from '../runtime/apply.js';
import { EventRecorder } from '../runtime/events.js';
import { notFound, readResource, type Resource } from '../runtime/resource.js';
import { StatusWriter } from '../runtime/status.js';

export const fieldManager = 'metachat-operator';

export type MetaChatObject = Resource<MetaChatSpec, { readyServices: string; version: string }>;

export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** Kinds the plan creates only sometimes: what it stops asking for is deleted. */
const prunable = [
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
];

/**
 * Level-triggered reconcile of one MetaChat: read it, check what it refers
 * to, apply its plan with server-side apply, delete owned objects the plan no
 * longer has, and write status. Never writes spec. Children are owned through
 * controller references, so deleting the MetaChat lets the garbage collector
 * remove them.
 */
export class MetaChatReconciler {
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;
  readonly #apps: AppsV1Api;
  readonly #objects: KubernetesObjectApi;
  readonly #events: EventRecorder;
  readonly #status: StatusWriter;

  constructor(
    kc: KubeConfig,
    private readonly log: Logger,
    now: () => Date = () => new Date(),
  ) {
    this.#custom = kc.makeApiClient(CustomObjectsApi);
    this.#core = kc.makeApiClient(CoreV1Api);
    this.#apps = kc.makeApiClient(AppsV1Api);
    this.#objects = KubernetesObjectApi.makeApiClient(kc);
    this.#events = new EventRecorder(kc, fieldManager, log);
    this.#status = new StatusWriter(this.#custom, this.#events, 'metachats', now);
  }

  #writeStatus(mc: MetaChatObject, observed: Observed, readyServices: string): Promise<void> {
    return this.#status.write(mc, observed, { readyServices, version: mc.spec.version ?? 'latest' });
  }

  async reconcile(namespace: string, name: string): Promise<ReconcileResult> {
    const mc = await readResource<MetaChatObject>(this.#custom, 'metachats', namespace, name);
    if (!mc) return {}; // deleted: the garbage collector removes what it owned

    const missing = await this.#missingSecrets(mc);
    if (missing.length > 0) {
      const message = `Secret ${missing.join(', ')} not found in ${namespace}`;
      await this.#writeStatus(mc, degraded('SecretNotFound', message), '0/0');
      return { requeueAfterMs: 30_000 };
    }

    const desired = planMetaChat(mc);
    await serverSideApply(this.#objects, desired, fieldManager);
    await this.#prune(mc, desired);

    const ready = await this.#readyServices(mc);
    const total = platformServices.length;
    const allReady = ready === total;
    await this.#writeStatus(
      mc,
      {
        Ready: allReady
          ? {
              status: 'True',
              reason: 'AllServicesAvailable',
              message: `${ready}/${total} services available`,
            }
          : { status: 'False', reason: 'RolloutInProgress', message: `${ready}/${total} services available` },
        Progressing: allReady
          ? { status: 'False', reason: 'RolloutComplete', message: '' }
          : {
              status: 'True',
              reason: 'RolloutInProgress',
              message: 'waiting for service Deployments to become available',
            },
        Degraded: { status: 'False', reason: 'AsExpected', message: '' },
      },
      `${ready}/${total}`,
    );
    return allReady ? {} : { requeueAfterMs: 15_000 };
  }

  async #missingSecrets(mc: MetaChatObject): Promise<string[]> {
    const { spec } = mc;
    const names = new Set([spec.jwtSecretRef.name]);
    for (const connection of [spec.nats, spec.mongodb, spec.redis]) {
      if (connection.urlSecretRef) names.add(connection.urlSecretRef.name);
    }
    const missing: string[] = [];
    for (const name of names) {
      try {
        await this.#core.readNamespacedSecret({ name, namespace: mc.metadata.namespace });
      } catch (err) {
        if (!notFound(err)) throw err;
        missing.push(name);
      }
    }
    return missing;
  }

  async #prune(mc: MetaChatObject, desired: K8sObject[]): Promise<void> {
    const wanted = new Set(desired.map((o) => `${o.kind}/${o.metadata.name}`));
    const selector = Object.entries(ownerLabels(mc.metadata.name))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    for (const { apiVersion, kind } of prunable) {
      const existing = await this.#objects.list(
        apiVersion,
        kind,
        mc.metadata.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        selector,
      );
      for (const object of existing.items) {
        const owned = object.metadata?.ownerReferences?.some((ref) => ref.uid === mc.metadata.uid);
        if (!owned || wanted.has(`${kind}/${object.metadata?.name}`)) continue;
        await this.#objects.delete({
          apiVersion,
          kind,
          metadata: { name: object.metadata!.name!, namespace: mc.metadata.namespace },
        });
        await this.#events.record(
          mc,
          'Normal',
          'Pruned',
          `deleted ${kind} ${object.metadata?.name}: the spec no longer asks for it`,
        );
        this.log.info('deleted an object the MetaChat no longer asks for', {
          kind,
          name: object.metadata?.name,
          metachat: mc.metadata.name,
        });
      }
    }
  }

  async #readyServices(mc: MetaChatObject): Promise<number> {
    let ready = 0;
    for (const service of platformServices) {
      try {
        const deployment = await this.#apps.readNamespacedDeployment({
          name: childName(mc.metadata.name, service),
          namespace: mc.metadata.namespace,
        });
        const wanted = deployment.spec?.replicas ?? 1;
        if (
          (deployment.status?.availableReplicas ?? 0) >= wanted &&
          (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0)
        )
          ready++;
      } catch (err) {
        if (!notFound(err)) throw err;
      }
    }
    return ready;
  }
}
