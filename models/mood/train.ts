// `make model`: trains the English valence model on the labelled sentences
// (seeded, reproducible), evaluates it and the lexicon baselines on held-out
// sentences and on MetaChat's own evaluation lines, and writes the artifacts.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { baselines, evaluate, formatTable } from './evaluate.js';
import { featureCount, features, hashBits } from './features.js';
import { loadLabelled, type Labelled } from './data.js';
import { emotionLabels } from './lexicon.js';
import { analyse } from './text.js';

const seed = 20261122;
const epochs = 4;
const heldOutShare = 0.2;
// MOOD_ARTIFACTS_DIR lets a test train into a scratch directory and compare with what is committed.
const artifacts = process.env.MOOD_ARTIFACTS_DIR
  ? `${process.env.MOOD_ARTIFACTS_DIR.replace(/\/$/, '')}/`
  : fileURLToPath(new URL('./artifacts/', import.meta.url));

/** mulberry32: a small seeded generator, so splits and order repeat exactly. */
function random(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Every source split the same way: 80 % to train on, 20 % never seen in training. */
function split(rows: Labelled[], rand: () => number): { train: Labelled[]; heldOut: Labelled[] } {
  const train: Labelled[] = [];
  const heldOut: Labelled[] = [];
  for (const source of new Set(rows.map((r) => r.source))) {
    const mine = shuffled(
      rows.filter((r) => r.source === source),
      rand,
    );
    const cut = Math.round(mine.length * heldOutShare);
    heldOut.push(...mine.slice(0, cut));
    train.push(...mine.slice(cut));
  }
  return { train: shuffled(train, rand), heldOut };
}

const matrix = (rows: Labelled[]) => {
  const x = new Float32Array(rows.length * featureCount);
  rows.forEach((r, i) => x.set(features(r.text, analyse(r.text, 'en'), 'en'), i * featureCount));
  return tf.tensor2d(x, [rows.length, featureCount]);
};

function progress(epoch: number, logs: tf.Logs | undefined): void {
  const done = Math.round(((epoch + 1) / epochs) * 30);
  process.stderr.write(
    `\rtraining [${'#'.repeat(done)}${'.'.repeat(30 - done)}] epoch ${epoch + 1}/${epochs} loss ${logs?.loss?.toFixed(4)}`,
  );
  if (epoch + 1 === epochs) process.stderr.write('\n');
}

await tf.setBackend('cpu'); // deterministic kernels for training
const rand = random(seed);
const { train, heldOut } = split(loadLabelled(), rand);
console.error(`data: ${train.length} sentences to train on, ${heldOut.length} held out`);

const model = tf.sequential({
  layers: [
    tf.layers.dense({
      inputShape: [featureCount],
      units: 16,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }),
    }),
    tf.layers.dropout({ rate: 0.5, seed }),
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const x = matrix(train);
const y = tf.tensor2d(train.map((r) => [r.positive ? 1 : 0]));
await model.fit(x, y, {
  epochs,
  batchSize: 64,
  shuffle: false,
  verbose: 0,
  callbacks: { onEpochEnd: progress },
});

const predict = (texts: string[]) => {
  const rows = texts.map((text) => ({ text, positive: false, source: 'amazon' as const }));
  return [...(model.predict(matrix(rows)) as tf.Tensor).dataSync()];
};
const evaluation = evaluate(heldOut, predict);

mkdirSync(artifacts, { recursive: true });
await model.save(
  tf.io.withSaveHandler(async (saved) => {
    const weights = Buffer.from(saved.weightData as ArrayBuffer);
    writeFileSync(`${artifacts}weights.bin`, weights);
    writeFileSync(
      `${artifacts}model.json`,
      JSON.stringify({
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        modelTopology: saved.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: saved.weightSpecs }],
      }),
    );
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }),
);
writeFileSync(
  `${artifacts}metadata.json`,
  `${JSON.stringify(
    {
      name: 'metachat-mood',
      version: '1',
      featureCount,
      languages: ['en', 'ru'],
      labels: ['negative', 'neutral', 'positive', ...emotionLabels],
      features: `hashed stem unigrams+bigrams (FNV-1a, ${hashBits} bits, negation-marked) + lexicon valence, lexicon hits, length`,
      training: {
        seed,
        epochs,
        sentences: train.length,
        heldOut: heldOut.length,
        sources:
          'UCI sentiment labelled sentences (npm sentiment), Pang & Lee sentence polarity (Debian python3-pattern)',
      },
      evaluation,
      baselines: baselines.map((b) => b.name),
    },
    null,
    2,
  )}\n`,
);
console.log(formatTable(evaluation));
