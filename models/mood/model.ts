// Loads the committed model and scores texts in batches (TF.js, wasm backend).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { featureCount, features } from './features.js';
import { moodOf, type MoodResult } from './scoring.js';
import { analyse, detectLanguage } from './text.js';

export const defaultArtifacts = new URL('./artifacts/', import.meta.url);

/** The most characters scored per text: longer text is scored by its beginning. */
export const maxTextLength = 10_000;

export interface ModelMetadata {
  name: string;
  version: string;
  featureCount: number;
  evaluation: unknown;
}

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
  private constructor(
    private readonly model: tf.LayersModel,
    readonly metadata: ModelMetadata,
  ) {}

  static async load(dir: URL = defaultArtifacts): Promise<MoodModel> {
    await wasmBackend();
    const json = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8')) as {
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const weights = readFileSync(new URL(json.weightsManifest[0]!.paths[0]!, dir));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const metadata = JSON.parse(readFileSync(new URL('metadata.json', dir), 'utf8')) as ModelMetadata;
    if (metadata.featureCount !== featureCount)
      throw new Error(`model expects ${metadata.featureCount} features, this code makes ${featureCount}`);
    return new MoodModel(model, metadata);
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
      const x = new Float32Array(english.length * featureCount);
      english.forEach((at, row) =>
        x.set(features(prepared[at]!.text, prepared[at]!.tokens, 'en'), row * featureCount),
      );
      const probabilities = tf.tidy(() =>
        (this.model.predict(tf.tensor2d(x, [english.length, featureCount])) as tf.Tensor).dataSync(),
      );
      english.forEach((at, row) => positive.set(at, probabilities[row]!));
    }
    return prepared.map((p, i) => moodOf(p.text, p.tokens, p.language, positive.get(i)));
  }
}
