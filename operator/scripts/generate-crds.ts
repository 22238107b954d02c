// Writes the CRD manifests from the schemas in operator/src/api, and Argo CD's health checks for them (`npm run crds`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { argoHealthFile, crdDirectories, renderArgoHealth, renderCrds } from '../src/api/render.js';

for (const directory of crdDirectories) {
  const dir = fileURLToPath(new URL(`../../${directory}`, import.meta.url));
  for (const [file, text] of Object.entries(renderCrds())) {
    writeFileSync(`${dir}${file}`, text);
    console.log(`wrote ${directory}${file}`);
  }
}
writeFileSync(fileURLToPath(new URL(`../../${argoHealthFile}`, import.meta.url)), renderArgoHealth());
console.log(`wrote ${argoHealthFile}`);
