import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { argoHealthFile, crdDirectories, renderArgoHealth, renderCrds } from './render.js';

describe('CRD manifests', () => {
  for (const directory of crdDirectories) {
    it(`in ${directory} are exactly what the schemas generate (run \`npm run crds\` after changing a schema)`, () => {
      const dir = fileURLToPath(new URL(`../../../${directory}`, import.meta.url));
      const rendered = renderCrds();
      expect(readdirSync(dir).sort()).to.deep.equal(Object.keys(rendered).sort());
      for (const [file, text] of Object.entries(rendered)) {
        expect(readFileSync(`${dir}${file}`, 'utf8'), file).to.equal(text);
      }
    });
  }

  it(`${argoHealthFile} gives every kind the health check in health.lua (run \`npm run crds\`)`, () => {
    const committed = readFileSync(
      fileURLToPath(new URL(`../../../${argoHealthFile}`, import.meta.url)),
      'utf8',
    );
    expect(committed).to.equal(renderArgoHealth());
  });
});
