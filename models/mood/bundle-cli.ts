// `npm run --silent mood:bundle -- OUT [ARTIFACTS_DIR]`: writes a model bundle
// for a MoodModel's http source and prints the sha256 its spec needs.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { builtinArtifacts, bundleDigest, encodeBundle, readBundle } from './bundle.js';

const [out, dir] = process.argv.slice(2);
if (!out) {
  console.error('usage: npm run --silent mood:bundle -- OUT [ARTIFACTS_DIR]');
  process.exit(2);
}
const bundle = readBundle(dir ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : builtinArtifacts);
writeFileSync(out, encodeBundle(bundle));
console.log(bundleDigest(bundle).slice('sha256:'.length));
