import { ApiextensionsV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../../e2e/testenv/eventually.js';
import type { KubeDetails } from '../../../e2e/testenv/index.js';
import { group, version } from '../api/common.js';
import { allCrds } from '../api/crd.js';

const crds = fileURLToPath(new URL('../../../crds/', import.meta.url));

/**
 * Installs crds/ the way a platform team does (kubectl server-side apply) and
 * waits until every kind is served; returns a KubeConfig for the admin.
 */
export async function installCrds(kube: KubeDetails): Promise<KubeConfig> {
  execFileSync(kube.kubectl, ['--kubeconfig', kube.kubeconfigPath, 'apply', '--server-side', '-f', crds], {
    encoding: 'utf8',
  });
  const kc = new KubeConfig();
  kc.loadFromFile(kube.kubeconfigPath);
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (const { plural } of allCrds.map((crd) => crd.spec.names)) {
    await eventually(`the ${plural} CRD to be established`, async () => {
      const crd = await extensions.readCustomResourceDefinition({ name: `${plural}.${group}` });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
    await eventually(`${plural} to be served`, () =>
      custom.listClusterCustomObject({ group, version, plural }).then(() => true),
    );
  }
  return kc;
}
