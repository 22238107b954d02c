// Loads the committed model and scores texts in batches (TF.js, wasm backend).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import {
  builtinArtifacts,
  bundleDigest,
  InvalidBundle,
  metadataOf,
  readBundle,
  type ModelBundle,
  type ModelMetadata,
} from './bundle.js';
import { featureCount, features, wordBag } from './features.js';
import { moodOf, type MoodResult } from './scoring.js';
import { analyse, detectLanguage } from './text.js';

export type { ModelMetadata } from './bundle.js';

/** The most characters scored per text: longer text is scored by its beginning. */
export const maxTextLength = 10_000;

let backend: Promise<void> | undefined;
/** The wasm backend, once per process (falls back to nothing: a failure to load is an error). */
function wasmBackend(): Promise<void> {
  backend ??= (async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  })();
  return backend;
}

export class MoodModel {
  /** Word → column of the bag-of-words input, for models with a word-vector input. */
  readonly #vocabulary: ReadonlyMap<string, number> | undefined;

  private constructor(
    private readonly model: tfl.LayersModel,
    readonly metadata: ModelMetadata,
    readonly digest: string,
  ) {
    const words = metadata.vocabulary;
    this.#vocabulary = words ? new Map(words.map((w, i) => [w, i])) : undefined;
  }

  /** The committed model, or the artifacts in `dir`. */
  static load(dir: URL = builtinArtifacts): Promise<MoodModel> {
    return MoodModel.fromBundle(readBundle(dir));
  }

  static async fromBundle(bundle: ModelBundle): Promise<MoodModel> {
    await wasmBackend();
    const metadata = metadataOf(bundle);
    if (metadata.featureCount !== featureCount)
      throw new InvalidBundle(
        `model expects ${metadata.featureCount} features, this code makes ${featureCount}`,
      );
    const json = JSON.parse(bundle.modelJson.toString('utf8')) as {
      modelTopology: object;
      weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
    };
    const { weights } = bundle;
    let model: tfl.LayersModel;
    try {
      model = await tfl.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0]!.weights,
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        }),
      );
    } catch (err) {
      throw new InvalidBundle(`the model does not load: ${(err as Error).message}`);
    }
    return new MoodModel(model, metadata, bundleDigest(bundle));
  }

  /** Frees the model's tensors; it must not score afterwards. */
  dispose(): void {
    this.model.dispose();
  }

  /** Scores texts in one batch, in order. */
  score(texts: string[]): MoodResult[] {
    const prepared = texts.map((raw) => {
      const text = raw.slice(0, maxTextLength);
      const language = detectLanguage(text);
      return { text, language, tokens: analyse(text, language) };
    });
    const english = prepared.flatMap((p, i) => (p.language === 'en' ? [i] : []));
    const positive = new Map<number, number>();
    if (english.length > 0) {
      const rows = english.length;
      const x = new Float32Array(rows * featureCount);
      const row = (buffer: Float32Array<ArrayBuffer>, i: number, width: number) =>
        buffer.subarray(i * width, (i + 1) * width);
      english.forEach((at, i) =>
        features(prepared[at]!.text, prepared[at]!.tokens, 'en', row(x, i, featureCount)),
      );
      const vocabulary = this.#vocabulary;
      const bags = vocabulary ? new Float32Array(rows * vocabulary.size) : undefined;
      if (vocabulary && bags)
        english.forEach((at, i) => wordBag(prepared[at]!.tokens, vocabulary, row(bags, i, vocabulary.size)));
      const probabilities = tf.tidy(() => {
        const hashed = tf.tensor2d(x, [rows, featureCount]);
        const input = bags ? [hashed, tf.tensor2d(bags, [rows, vocabulary!.size])] : hashed;
        return (this.model.predict(input) as tf.Tensor).dataSync();
      });
      english.forEach((at, row) => positive.set(at, probabilities[row]!));
    }
    return prepared.map((p, i) => moodOf(p.text, p.tokens, p.language, positive.get(i)));
  }
}
