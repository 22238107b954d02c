import type { KubeConfig } from '@kubernetes/client-node';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../e2e/testenv/eventually.js';
import { server } from '../../e2e/testenv/root-hooks.js';
import { startServiceProcess, type ServiceProcess } from '../../e2e/testenv/service-process.js';
import { installCrds } from './testdata/install-crds.js';
import { createResource, sampleMetaChatSpec } from './testdata/resources.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const namespace = 'operator-ha';

describe('operator replicas as processes (leader election)', function () {
  this.timeout(90_000);
  const replicas: ServiceProcess[] = [];
  let kc: KubeConfig;

  before(async () => {
    const { kubeconfigPath } = server('kube');
    kc = await installCrds(server('kube'));
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'jwt' }, stringData: { secret: 'y'.repeat(40) } },
    });
    for (const id of ['op-a', 'op-b']) {
      replicas.push(
        await startServiceProcess(entry, {
          KUBECONFIG: kubeconfigPath,
          POD_NAME: id,
          POD_NAMESPACE: namespace,
          LEASE_DURATION: '3s',
          LOG_LEVEL: 'info',
        }),
      );
    }
  });
  after(() => Promise.all(replicas.map((r) => r.stop())));

  const led = (r: ServiceProcess) => r.lines.some((l) => l.message === 'became the leader');
  const createMetaChat = (name: string) =>
    createResource(kc, 'MetaChat', name, sampleMetaChatSpec, namespace);
  const deployed = (name: string) =>
    eventually(`${name}'s Deployments`, () =>
      kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: `${name}-chat`, namespace }),
    );

  it('has exactly one leader reconcile, and the other takes over when the leader is killed', async () => {
    const leader = await eventually('a leader', async () => replicas.find(led));
    await new Promise((r) => setTimeout(r, 1000));
    expect(replicas.filter(led)).to.have.length(1);
    await createMetaChat('gamma');
    await deployed('gamma');

    leader.kill(); // SIGKILL: the lease is not handed back, it expires
    const successor = replicas.find((r) => r !== leader)!;
    await eventually('the other replica to lead', async () => led(successor), 30_000);
    await createMetaChat('delta');
    await deployed('delta');
  });
});
