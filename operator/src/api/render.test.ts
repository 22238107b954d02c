import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCrds } from './render.js';

describe('CRD manifests', () => {
  it('in crds/ are exactly what the schemas generate (run `npm run crds` after changing a schema)', () => {
    for (const [file, text] of Object.entries(renderCrds())) {
      const committed = readFileSync(
        fileURLToPath(new URL(`../../../crds/${file}`, import.meta.url)),
        'utf8',
      );
      expect(committed, file).to.equal(text);
    }
  });
});
