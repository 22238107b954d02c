import type { KubeConfig } from '@kubernetes/client-node';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi } from '@kubernetes/client-node';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createLogger } from '../../../services/kit/log.js';
import { eventually } from '../../../e2e/testenv/eventually.js';
import { server } from '../../../e2e/testenv/root-hooks.js';
import { group, version, type Condition } from '../api/common.js';
import type { Controller } from '../runtime/controller.js';
import { installCrds } from '../testdata/install-crds.js';
import { sampleMetaChatSpec } from '../testdata/resources.js';
import { metaChatController } from './metachat-controller.js';

const namespace = 'default';

describe('MetaChat controller (real API server with garbage collector)', function () {
  this.timeout(60_000);
  let kc: KubeConfig;
  let controller: Controller;
  let custom: CustomObjectsApi;
  let apps: AppsV1Api;
  let objects: KubernetesObjectApi;
  const registry = new Registry();
  const reconciles = async () =>
    (await registry.getMetricsAsJSON())
      .find((m) => m.name === 'operator_reconcile_total')!
      .values.reduce((n, v) => n + v.value, 0);
  const target = { group, version, namespace, plural: 'metachats' };
  const spec = sampleMetaChatSpec;
  const status = async (name: string) =>
    (
      (await custom.getNamespacedCustomObject({ ...target, name })) as {
        status?: { observedGeneration?: number; readyServices?: string; conditions?: Condition[] };
      }
    ).status;
  const exists = (apiVersion: string, kind: string, name: string) =>
    objects.read({ apiVersion, kind, metadata: { name, namespace } }).then(
      () => true,
      () => false,
    );

  const eventReasons = async (name: string) =>
    (
      await kc
        .makeApiClient(CoreV1Api)
        .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })
    ).items.map((e) => e.reason);

  before(async () => {
    kc = await installCrds(server('kube'));
    custom = kc.makeApiClient(CustomObjectsApi);
    apps = kc.makeApiClient(AppsV1Api);
    objects = KubernetesObjectApi.makeApiClient(kc);
    await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'jwt' }, stringData: { secret: 'x'.repeat(40) } },
    });
    controller = metaChatController(kc, createLogger({ service: 'operator-test', level: 'error' }), registry);
    await controller.start();
  });
  after(() => controller?.stop());

  it('creates the children with owner references, and reports status', async () => {
    await custom.createNamespacedCustomObject({
      ...target,
      body: { apiVersion: `${group}/${version}`, kind: 'MetaChat', metadata: { name: 'alpha' }, spec },
    });
    const deployment = await eventually('the chat Deployment', () =>
      apps.readNamespacedDeployment({ name: 'alpha-chat', namespace }),
    );
    expect(deployment.metadata?.ownerReferences?.[0]).to.include({
      kind: 'MetaChat',
      name: 'alpha',
      controller: true,
    });
    for (const name of ['alpha-gateway', 'alpha-identity', 'alpha-mood'])
      expect(await exists('apps/v1', 'Deployment', name)).to.equal(true);
    expect(await exists('v1', 'ConfigMap', 'alpha-config')).to.equal(true);
    const s = await eventually('status', async () => {
      const st = await status('alpha');
      return st?.observedGeneration === 1 && st;
    });
    // No kubelet here: pods never run, so the platform is honestly not ready yet.
    expect(s.readyServices).to.equal('0/8');
    expect(s.conditions?.find((c) => c.type === 'Ready')).to.include({
      status: 'False',
      reason: 'RolloutInProgress',
    });
    expect(s.conditions?.find((c) => c.type === 'Degraded')).to.include({ status: 'False' });
  });

  it('follows spec edits: adds an autoscaler and an ingress, then removes the autoscaler again', async () => {
    const patch = (body: object) =>
      objects.patch(
        {
          apiVersion: `${group}/${version}`,
          kind: 'MetaChat',
          metadata: { name: 'alpha', namespace },
          ...body,
        } as never,
        undefined,
        undefined,
        'test',
        undefined, // force is for apply patches only
        'application/merge-patch+json' as never,
      );
    await patch({
      spec: {
        services: { chat: { autoscaling: { minReplicas: 2, maxReplicas: 4 } } },
        ingress: { host: 'chat.example.com' },
      },
    });
    await eventually(
      'the autoscaler and ingress',
      async () =>
        (await exists('autoscaling/v2', 'HorizontalPodAutoscaler', 'alpha-chat')) &&
        (await exists('networking.k8s.io/v1', 'Ingress', 'alpha-gateway')),
    );
    expect(await exists('policy/v1', 'PodDisruptionBudget', 'alpha-chat')).to.equal(true);
    await patch({ spec: { services: { chat: { autoscaling: null } } } });
    await eventually(
      'the autoscaler to be pruned',
      async () => !(await exists('autoscaling/v2', 'HorizontalPodAutoscaler', 'alpha-chat')),
    );
    await eventually(
      'the status to observe generation 3',
      async () => (await status('alpha'))?.observedGeneration === 3,
    );
    expect(await eventReasons('alpha')).to.include('Pruned');
  });

  it('reports a missing Secret as Degraded with a reason, without hot-looping', async () => {
    await custom.createNamespacedCustomObject({
      ...target,
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'MetaChat',
        metadata: { name: 'beta' },
        spec: { ...spec, jwtSecretRef: { name: 'nope', key: 'k' } },
      },
    });
    const degraded = await eventually('Degraded', async () =>
      (await status('beta'))?.conditions?.find((c) => c.type === 'Degraded' && c.status === 'True'),
    );
    expect(degraded).to.include({ reason: 'SecretNotFound' });
    expect(degraded.message).to.contain('nope');
    const before = await reconciles();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await reconciles()) - before).to.be.below(5); // it waits 30 s before looking again
    expect(await exists('apps/v1', 'Deployment', 'beta-chat')).to.equal(false);
    expect(await eventReasons('beta')).to.include('SecretNotFound'); // what kubectl describe shows
  });

  it('lets the garbage collector remove the children when the MetaChat is deleted', async function () {
    // The garbage collector learns about a new CRD on its discovery resync (every 30 s).
    this.timeout(120_000);
    await custom.deleteNamespacedCustomObject({ ...target, name: 'alpha' });
    await eventually(
      'the children to be collected',
      async () =>
        !(await exists('apps/v1', 'Deployment', 'alpha-chat')) &&
        !(await exists('v1', 'ConfigMap', 'alpha-config')),
      100_000,
    );
  });
});
