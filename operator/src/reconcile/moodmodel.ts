import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { metadataOf } from '../../../models/mood/bundle.js';
import type { Logger } from '../../../services/kit/log.js';
import { electRouting, type RoutingRole } from '../../../services/mood/routing.js';
import { group, version } from '../api/common.js';
import type { MoodModelSpec } from '../api/moodmodel.js';
import {
  coverageProblem,
  evaluationFigures,
  moodDeploymentName,
  planMoodModel,
  routingClaimOf,
} from '../plans/moodmodel.js';
import { ArtifactProblem, defaultFetchPolicy, fetchBundle } from '../platform/model-artifacts.js';
import type { FetchPolicy } from '../platform/model-fetch.js';
import { ModelPublisher } from '../platform/model-publisher.js';
import { PlatformUnreachable, type PlatformConnections } from '../platform/connections.js';
import { serverSideApply } from '../runtime/apply.js';
import { degraded, type Observed } from '../runtime/conditions.js';
import { EventRecorder } from '../runtime/events.js';
import { setFinalizer } from '../runtime/finalizers.js';
import { notFound, readResource, type Resource } from '../runtime/resource.js';
import { StatusWriter } from '../runtime/status.js';
import { fieldManager, type MetaChatObject, type ReconcileResult } from './metachat.js';

export type MoodModelObject = Resource<MoodModelSpec> & {
  metadata: Resource<MoodModelSpec>['metadata'] & { creationTimestamp?: string | Date };
};

/** Keeps the model's routing entry and bundle until they are withdrawn from the platform. */
export const moodModelFinalizer = 'metachat.io/mood-model';

const retryMs = 15_000;
const refreshMs = 60_000; // ready replicas are refreshed this often

/**
 * Level-triggered reconcile of one MoodModel: fetch and check its artifacts,
 * publish them to the platform (object store + KV entry), recompute the
 * platform's routing from all its MoodModels, apply the Deployment of a mood
 * service pinned to it, and report digest, role, replicas and evaluation.
 */
export class MoodModelReconciler {
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;
  readonly #apps: AppsV1Api;
  readonly #objects: KubernetesObjectApi;
  readonly #status: StatusWriter;

  constructor(
    kc: KubeConfig,
    private readonly platforms: PlatformConnections,
    private readonly log: Logger,
    private readonly fetchPolicy: FetchPolicy = defaultFetchPolicy,
  ) {
    this.#custom = kc.makeApiClient(CustomObjectsApi);
    this.#core = kc.makeApiClient(CoreV1Api);
    this.#apps = kc.makeApiClient(AppsV1Api);
    this.#objects = KubernetesObjectApi.makeApiClient(kc);
    this.#status = new StatusWriter(this.#custom, new EventRecorder(kc, fieldManager, log), 'moodmodels');
  }

  async reconcile(namespace: string, name: string): Promise<ReconcileResult> {
    const found = await readResource<MoodModelObject>(this.#custom, 'moodmodels', namespace, name);
    if (!found) return {};
    if (found.metadata.deletionTimestamp) return this.#finalize(found);
    const model = await setFinalizer(this.#custom, 'moodmodels', found, moodModelFinalizer, true);

    const mc = await readResource<MetaChatObject>(this.#custom, 'metachats', namespace, model.spec.platform);
    if (!mc)
      return this.#degraded(
        model,
        'PlatformNotFound',
        `MetaChat ${model.spec.platform} not found in ${namespace}`,
      );
    let publisher: ModelPublisher;
    try {
      publisher = await ModelPublisher.of((await this.platforms.client(namespace, mc.spec)).nc);
    } catch (err) {
      if (!(err instanceof PlatformUnreachable)) throw err;
      return this.#degraded(model, err.name, err.message);
    }

    let bundle;
    try {
      bundle = await fetchBundle(this.#core, namespace, model.spec.source, this.fetchPolicy);
    } catch (err) {
      if (!(err instanceof ArtifactProblem)) throw err;
      return this.#degraded(model, err.reason, err.message);
    }
    const metadata = metadataOf(bundle);
    const problem = coverageProblem(model.spec, metadata);
    if (problem) return this.#degraded(model, 'ModelMismatch', problem);

    const published = await publisher.publish(name, bundle, model.spec.source.builtin === true);
    const role = await this.#route(publisher, model);
    await serverSideApply(this.#objects, planMoodModel(model, mc), fieldManager);
    const { replicas, readyReplicas } = await this.#replicas(mc.metadata.name, model);

    const fields = {
      model: `${metadata.name}@${metadata.version}`,
      digest: published.digest,
      role: role.role,
      replicas,
      readyReplicas,
      evaluation: evaluationFigures(metadata.evaluation),
    };
    if (role.role === 'conflict') {
      await this.#status.write(model, degraded('RoutingConflict', role.message), fields);
      return { requeueAfterMs: retryMs };
    }
    const rolledOut = readyReplicas >= replicas;
    const observed: Observed = {
      Ready: { status: 'True', reason: 'Published', message: `${fields.model} is published as ${role.role}` },
      Progressing: rolledOut
        ? { status: 'False', reason: 'RolloutComplete', message: '' }
        : {
            status: 'True',
            reason: 'RolloutInProgress',
            message: `${readyReplicas}/${replicas} replicas of its mood service ready`,
          },
      Degraded: { status: 'False', reason: 'AsExpected', message: '' },
    };
    await this.#status.write(model, observed, fields);
    return { requeueAfterMs: rolledOut ? refreshMs : retryMs };
  }

  async #degraded(model: MoodModelObject, reason: string, message: string): Promise<ReconcileResult> {
    await this.#status.write(model, degraded(reason, message), {});
    return { requeueAfterMs: retryMs };
  }

  /** Recomputes the platform's routing from its MoodModels (except any being deleted); this model's role. */
  async #route(publisher: ModelPublisher, model: MoodModelObject, leaving?: string): Promise<RoutingRole> {
    const { items } = (await this.#custom.listNamespacedCustomObject({
      group,
      version,
      namespace: model.metadata.namespace,
      plural: 'moodmodels',
    })) as { items: MoodModelObject[] };
    const claims = items
      .filter(
        (m) =>
          m.spec.platform === model.spec.platform &&
          !m.metadata.deletionTimestamp &&
          m.metadata.name !== leaving,
      )
      .map(routingClaimOf);
    const { routing, roles } = electRouting(claims);
    await publisher.route(routing);
    return roles.get(model.metadata.name) ?? { role: 'standby' };
  }

  async #replicas(
    platform: string,
    model: MoodModelObject,
  ): Promise<{ replicas: number; readyReplicas: number }> {
    try {
      const deployment = await this.#apps.readNamespacedDeployment({
        name: moodDeploymentName(platform, model.metadata.name),
        namespace: model.metadata.namespace,
      });
      return {
        replicas: deployment.spec?.replicas ?? 0,
        readyReplicas: deployment.status?.readyReplicas ?? 0,
      };
    } catch (err) {
      if (!notFound(err)) throw err;
      return { replicas: model.spec.replicas ?? 1, readyReplicas: 0 };
    }
  }

  /** Takes the model out of the platform's routing and store, then lets the resource go. */
  async #finalize(model: MoodModelObject): Promise<ReconcileResult> {
    if (!model.metadata.finalizers?.includes(moodModelFinalizer)) return {};
    const { namespace } = model.metadata;
    const mc = await readResource<MetaChatObject>(this.#custom, 'metachats', namespace, model.spec.platform);
    // Without its platform there is nothing to withdraw from.
    if (mc) {
      const publisher = await ModelPublisher.of((await this.platforms.client(namespace, mc.spec)).nc);
      await this.#route(publisher, model, model.metadata.name);
      await publisher.withdraw(model.metadata.name);
      this.log.info('withdrew a mood model', { moodmodel: model.metadata.name });
    }
    await setFinalizer(this.#custom, 'moodmodels', model, moodModelFinalizer, false);
    return {};
  }
}
