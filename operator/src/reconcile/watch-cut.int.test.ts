import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { CuttableLink } from '../../../e2e/testenv/cuttable-link.js';
import { eventually } from '../../../e2e/testenv/eventually.js';
import { server } from '../../../e2e/testenv/root-hooks.js';
import { createLogger } from '../../../services/kit/log.js';
import { group, version } from '../api/common.js';
import type { Controller } from '../runtime/controller.js';
import { installCrds } from '../testdata/install-crds.js';
import { createResource, sampleMetaChatSpec } from '../testdata/resources.js';
import { metaChatController } from './metachat-controller.js';

const namespace = 'watch-cut';

describe('operator across a cut connection to the API server', function () {
  this.timeout(90_000);
  let admin: KubeConfig;
  let link: CuttableLink;
  let controller: Controller;
  const spec = sampleMetaChatSpec;
  const deployment = (name: string) =>
    admin
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name, namespace })
      .catch(() => undefined);

  before(async () => {
    admin = await installCrds(server('kube'));
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'jwt' }, stringData: { secret: 'z'.repeat(40) } },
    });
    // The operator reaches the API server only through a link the test can cut.
    const apiServer = new URL(server('kube').server);
    link = await CuttableLink.open({ host: apiServer.hostname, port: Number(apiServer.port) });
    const operatorKc = new KubeConfig();
    operatorKc.loadFromFile(server('kube').kubeconfigPath);
    const cluster = operatorKc.getCurrentCluster()!;
    operatorKc.clusters = [{ ...cluster, server: `https://127.0.0.1:${link.port}` }];
    controller = metaChatController(
      operatorKc,
      createLogger({ service: 'operator-test', level: 'error' }),
      new Registry(),
    );
    await controller.start();
  });
  after(async () => {
    await controller?.stop();
    await link?.close();
  });

  it('does not lose changes made while its watches were cut', async () => {
    await createResource(admin, 'MetaChat', 'before-cut', spec, namespace);
    await eventually('the first Deployments', () => deployment('before-cut-gateway'));

    await link.cut();
    // Meanwhile: a spec edit to an existing resource and a new resource.
    await admin.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'metachats',
      name: 'before-cut',
      body: [{ op: 'add', path: '/spec/services', value: { gateway: { replicas: 3 } } }],
    });
    await createResource(admin, 'MetaChat', 'during-cut', spec, namespace);
    await new Promise((r) => setTimeout(r, 2000)); // long enough for the watches to notice the cut
    expect((await deployment('before-cut-gateway'))?.spec?.replicas).to.equal(1);

    await link.restore();
    await eventually(
      'the edit to be applied',
      async () => (await deployment('before-cut-gateway'))?.spec?.replicas === 3,
      30_000,
    );
    await eventually('the new resource to be reconciled', () => deployment('during-cut-gateway'), 30_000);
  });
});
