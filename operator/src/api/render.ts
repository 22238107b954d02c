import { stringify } from 'yaml';
import { allCrds } from './crd.js';

/** crds/ file name → YAML text, exactly as committed. */
export function renderCrds(): Record<string, string> {
  return Object.fromEntries(
    allCrds.map((crd) => [
      `${crd.spec.names.plural}.yaml`,
      `# Generated from operator/src/api by \`npm run crds\`; do not edit.\n${stringify(crd, { lineWidth: 0 })}`,
    ]),
  );
}
