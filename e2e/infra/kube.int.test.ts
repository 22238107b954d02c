import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Watch,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { server } from '../testenv/root-hooks.js';
import { eventually } from '../testenv/eventually.js';

const widgetCrd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.testenv.metachat.io' },
  spec: {
    group: 'testenv.metachat.io',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: { size: { type: 'integer', minimum: 1 } },
              },
            },
          },
        },
      },
    ],
  },
};

/** Starts a watch; undefined when the server ended it at once (so the caller retries). */
async function watchWidgets(
  kc: KubeConfig,
  seen: { phase: string; name: string; size: number }[],
): Promise<AbortController | undefined> {
  let failed = false;
  const controller = await new Watch(kc).watch(
    '/apis/testenv.metachat.io/v1/namespaces/default/widgets',
    {},
    (phase, obj: { metadata: { name: string }; spec: { size: number } }) =>
      seen.push({ phase, name: obj.metadata.name, size: obj.spec.size }),
    (err: unknown) => {
      failed = err !== null && err !== undefined;
    },
  );
  await sleep(200);
  if (!failed) return controller;
  controller.abort();
  return undefined;
}

describe('test environment: Kubernetes control plane', () => {
  let kc: KubeConfig;
  before(() => {
    kc = new KubeConfig();
    kc.loadFromFile(server('kube').kubeconfigPath);
  });

  it('serves a CRD, validates custom resources against its schema, and watches them', async () => {
    const extensions = kc.makeApiClient(ApiextensionsV1Api);
    const objects = kc.makeApiClient(CustomObjectsApi);
    await extensions.createCustomResourceDefinition({ body: widgetCrd });
    await eventually('the CRD to be established', async () => {
      const crd = await extensions.readCustomResourceDefinition({ name: widgetCrd.metadata!.name! });
      return (
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined
      );
    });

    // Right after a CRD is established the API server may answer watches with
    // 429 while its watch cache initialises; like any controller, retry.
    const seen: { phase: string; name: string; size: number }[] = [];
    const watching = await eventually('a watch on widgets', () => watchWidgets(kc, seen));
    try {
      const target = { group: 'testenv.metachat.io', version: 'v1', namespace: 'default', plural: 'widgets' };
      await objects.createNamespacedCustomObject({
        ...target,
        body: {
          apiVersion: 'testenv.metachat.io/v1',
          kind: 'Widget',
          metadata: { name: 'w1' },
          spec: { size: 3 },
        },
      });
      const invalid = await objects
        .createNamespacedCustomObject({
          ...target,
          body: {
            apiVersion: 'testenv.metachat.io/v1',
            kind: 'Widget',
            metadata: { name: 'w2' },
            spec: { size: 0 },
          },
        })
        .then(
          () => 'accepted',
          (err: { code?: number }) => err.code,
        );
      expect(invalid).to.equal(422);
      await eventually('the watch to see w1', async () => seen.find((e) => e.name === 'w1'));
      expect(seen).to.deep.equal([{ phase: 'ADDED', name: 'w1', size: 3 }]);
    } finally {
      watching.abort();
    }
  });

  it('garbage-collects an owned object when its owner is deleted', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = 'default';
    const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owner' } } });
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'owned',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace, propagationPolicy: 'Background' });
    const gone = await eventually(
      'the garbage collector to delete the owned ConfigMap',
      () =>
        core.readNamespacedConfigMap({ name: 'owned', namespace }).then(
          () => undefined,
          (err: { code?: number }) => (err.code === 404 ? true : undefined),
        ),
      30_000,
    );
    expect(gone).to.equal(true);
  });

  it('writes a kubeconfig that the bundled kubectl uses', () => {
    const { kubectl, kubeconfigPath } = server('kube');
    const out = execFileSync(kubectl, ['--kubeconfig', kubeconfigPath, 'get', 'namespaces', '-o', 'name'], {
      encoding: 'utf8',
    });
    expect(out.split('\n')).to.include('namespace/default');
  });
});
