// `make bench` (mood): the mood model's speed, batched and one text at a
// time, beside the best lexicon baseline (VADER) scoring the same texts.
import { loadEvaluation } from '../models/mood/data.js';
import { vaderCompound } from '../models/mood/lexicon.js';
import { MoodModel } from '../models/mood/model.js';
import { percentile } from './stats.js';

const lines = [...loadEvaluation('en'), ...loadEvaluation('ru')].map((l) => l.text);
const texts = Array.from({ length: 20_000 }, (_, i) => lines[i % lines.length]!);
const model = await MoodModel.load();
model.score(texts.slice(0, 512)); // warm up

let started = performance.now();
for (let i = 0; i < texts.length; i += 256) model.score(texts.slice(i, i + 256));
const batchedPerSecond = texts.length / ((performance.now() - started) / 1000);

const single: number[] = [];
for (const text of texts.slice(0, 2000)) {
  const t = performance.now();
  model.score([text]);
  single.push(performance.now() - t);
}
single.sort((a, b) => a - b);

started = performance.now();
for (const text of texts) vaderCompound(text);
const vaderPerSecond = texts.length / ((performance.now() - started) / 1000);

console.log(`\nmood: ${texts.length} diary/chat lines (EN and RU), TF.js wasm backend, one core`);
console.log('| scorer | texts/s | one text p50 ms | one text p99 ms |');
console.log('| --- | --- | --- | --- |');
console.log(
  `| MetaChat mood model, batches of 256 (target ≥ 2,000/s) | ${batchedPerSecond.toFixed(0)} | ${percentile(single, 50).toFixed(2)} | ${percentile(single, 99).toFixed(2)} |`,
);
console.log(`| VADER lexicon (baseline; valence only) | ${vaderPerSecond.toFixed(0)} | - | - |`);
console.log('one-text target: < 5 ms');
