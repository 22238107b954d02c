// Writes what is generated from the schemas in operator/src/api (`npm run crds`): the CRD
// manifests, Argo CD's health checks for them, and the field tables of the operator guide.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { fieldDocsFile, withFieldTables } from '../src/api/field-docs.js';
import { argoHealthFile, crdDirectories, renderArgoHealth, renderCrds } from '../src/api/render.js';

const repoPath = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

for (const directory of crdDirectories) {
  const dir = repoPath(directory);
  for (const [file, text] of Object.entries(renderCrds())) {
    writeFileSync(`${dir}${file}`, text);
    console.log(`wrote ${directory}${file}`);
  }
}
writeFileSync(repoPath(argoHealthFile), renderArgoHealth());
console.log(`wrote ${argoHealthFile}`);
// Formatted as prettier formats markdown, so the tables read aligned in the source too.
const guide = repoPath(fieldDocsFile);
const options = { ...(await resolveConfig(guide)), filepath: guide };
writeFileSync(guide, await format(withFieldTables(readFileSync(guide, 'utf8')), options));
console.log(`wrote the field tables of ${fieldDocsFile}`);
