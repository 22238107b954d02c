import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { group } from './common.js';
import { allCrds } from './crd.js';

/** Where the generated CRDs are committed: crds/ for kubectl, and the Helm chart's crds/ (Helm installs those first). */
export const crdDirectories = ['crds/', 'charts/metachat-operator/crds/'];

/** crds/ file name → YAML text, exactly as committed. */
export function renderCrds(): Record<string, string> {
  return Object.fromEntries(
    allCrds.map((crd) => [
      `${crd.spec.names.plural}.yaml`,
      `# Generated from operator/src/api by \`npm run crds\`; do not edit.\n${stringify(crd, { lineWidth: 0 })}`,
    ]),
  );
}

export const argoHealthScript = fileURLToPath(new URL('../../../charts/argocd/health.lua', import.meta.url));
export const argoHealthFile = 'charts/argocd/argocd-cm-health.yaml';

/** The argocd-cm entries that give each of our kinds the health check in charts/argocd/health.lua. */
export function renderArgoHealth(): string {
  const lua = readFileSync(argoHealthScript, 'utf8');
  const data = Object.fromEntries(
    allCrds.map((crd) => [`resource.customizations.health.${group}_${crd.spec.names.kind}`, lua]),
  );
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', namespace: 'argocd', labels: { 'app.kubernetes.io/part-of': 'argocd' } },
    data,
  };
  return `# Generated from charts/argocd/health.lua by \`npm run crds\`; merge into argocd-cm (kubectl patch or your Argo CD values).\n${stringify(configMap, { lineWidth: 0 })}`;
}
