import { builtinArtifacts, readBundle, type ModelBundle } from '../../../models/mood/bundle.js';

/**
 * The committed model with its output layer negated, under another name:
 * sigmoid(−z) = 1 − sigmoid(z), so it calls positive English texts negative.
 * Tests use it to see which model scored a text from the result itself.
 */
export function invertedModel(name: string, version: string): ModelBundle {
  const bundle = readBundle(builtinArtifacts);
  const manifest = JSON.parse(bundle.modelJson.toString('utf8')) as {
    weightsManifest: { weights: { name: string; shape: number[] }[] }[];
  };
  const weights = Buffer.from(bundle.weights);
  const floats = new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4);
  let offset = 0;
  for (const spec of manifest.weightsManifest[0]!.weights) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.name.startsWith('dense_Dense2/'))
      for (let i = offset; i < offset + size; i++) floats[i] = -floats[i]!;
    offset += size;
  }
  const metadata = { ...JSON.parse(bundle.metadata.toString('utf8')), name, version };
  return { modelJson: bundle.modelJson, weights, metadata: Buffer.from(JSON.stringify(metadata)) };
}
