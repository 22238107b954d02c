import { builtinArtifacts, readBundle, type ModelBundle } from '../../../models/mood/bundle.js';

interface WeightSpec {
  name: string;
  shape: number[];
  quantization?: { dtype: 'uint16'; scale: number; min: number };
}

/** Words the test model keeps: the committed model's 6,000 would not fit in a ConfigMap (1 MiB). */
const keptWords = 500;

/**
 * A tensor's values as 16-bit steps between its smallest and largest value,
 * which TF.js turns back into floats when it loads the model: half the bytes,
 * all but lossless for a test model.
 */
function quantized(values: Float32Array, spec: WeightSpec): Buffer {
  const min = values.reduce((a, b) => Math.min(a, b), Infinity);
  const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
  const scale = max > min ? (max - min) / 65535 : 1;
  spec.quantization = { dtype: 'uint16', scale, min };
  const steps = Uint16Array.from(values, (x) => Math.round((x - min) / scale));
  return Buffer.from(steps.buffer, steps.byteOffset, steps.byteLength);
}

/**
 * The committed model with its output layer negated, under another name:
 * sigmoid(−z) = 1 − sigmoid(z), so it calls positive English texts negative.
 * Tests use it to see which model scored a text from the result itself. Its
 * word-vector vocabulary is cut to the most frequent words and its weights
 * are stored in 16 bits, so the bundle fits in a ConfigMap.
 */
export function invertedModel(name: string, version: string): ModelBundle {
  const bundle = readBundle(builtinArtifacts);
  const model = JSON.parse(bundle.modelJson.toString('utf8')) as {
    modelTopology: unknown;
    weightsManifest: { weights: WeightSpec[] }[];
  };
  const metadata = JSON.parse(bundle.metadata.toString('utf8')) as { vocabulary: string[] };
  const vocabularySize = metadata.vocabulary.length;
  const floats = new Float32Array(
    bundle.weights.buffer,
    bundle.weights.byteOffset,
    bundle.weights.byteLength / 4,
  );
  const specs = model.weightsManifest[0]!.weights;
  // The output layer is the one with a single unit.
  const output = specs.find((s) => s.name.endsWith('/kernel') && s.shape[1] === 1)!.name.split('/')[0]!;
  const parts: Buffer[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    let part = floats.slice(offset, offset + size);
    if (spec.name.startsWith(`${output}/`)) part = part.map((x) => -x);
    if (spec.shape[0] === vocabularySize && spec.name.endsWith('/kernel')) {
      part = part.slice(0, keptWords * spec.shape[1]!);
      spec.shape = [keptWords, spec.shape[1]!];
    }
    parts.push(quantized(part, spec));
    offset += size;
  }
  const weights = Buffer.concat(parts);
  const modelJson = JSON.stringify(model).replaceAll(`[null,${vocabularySize}]`, `[null,${keptWords}]`);
  return {
    modelJson: Buffer.from(modelJson),
    weights,
    metadata: Buffer.from(
      JSON.stringify({ ...metadata, name, version, vocabulary: metadata.vocabulary.slice(0, keptWords) }),
    ),
  };
}
