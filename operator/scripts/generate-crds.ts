// Writes crds/<plural>.yaml from the schemas in operator/src/api (`npm run crds`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCrds } from '../src/api/render.js';

const dir = fileURLToPath(new URL('../../crds/', import.meta.url));
for (const [file, text] of Object.entries(renderCrds())) {
  writeFileSync(`${dir}${file}`, text);
  console.log(`wrote crds/${file}`);
}
