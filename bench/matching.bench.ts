// `make bench` (matching): top-10 similar users among 1,000,000 synthetic
// portraits with the matching service's index, beside the straightforward
// way (score every portrait into an array of objects, sort, take ten) on the
// same portraits and queries.
import { PortraitIndex } from '../services/matching/portrait-index.js';
import { portraitVector, vectorDims } from '../services/matching/vector.js';
import type { Portrait } from '../services/portrait/portrait-store.js';
import { percentile } from './stats.js';

const users = Number(process.env.METACHAT_BENCH_PORTRAITS ?? 1_000_000);
const queries = 200;
const baselineQueries = 5;

// A seeded generator, so every run measures the same portraits.
let seed = 20261122;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const emotions = ['joy', 'sadness', 'anger', 'fear', 'surprise', 'neutral'];
const tags = Array.from({ length: 500 }, (_, i) => `tag${i}`);

function syntheticPortrait(i: number): Portrait {
  const weights = emotions.map(() => random());
  const total = weights.reduce((a, b) => a + b, 0);
  return {
    user: `u${i}`,
    mood: {
      count: 1 + Math.floor(random() * 200),
      valenceMean: random() * 2 - 1,
      volatility: random() * 0.8,
      emotions: Object.fromEntries(emotions.map((e, k) => [e, weights[k]! / total])),
    },
    interests: {
      tags: Array.from({ length: 1 + Math.floor(random() * 5) }, () => ({
        tag: tags[Math.floor(random() * tags.length)]!,
        entries: 1 + Math.floor(random() * 20),
      })),
      rooms: [
        { room: `r${Math.floor(random() * 5000)}`, messages: 1 + Math.floor(random() * 50), valenceMean: 0 },
      ],
    },
    updatedAt: 0,
  };
}

let started = performance.now();
const index = new PortraitIndex(vectorDims, users);
const plain: { id: string; vector: number[] }[] = [];
for (let i = 0; i < users; i++) {
  const vector = portraitVector(syntheticPortrait(i))!;
  index.upsert(`u${i}`, vector);
  plain.push({ id: `u${i}`, vector: [...vector] });
}
const buildSeconds = (performance.now() - started) / 1000;
const queryVectors = Array.from({ length: queries }, (_, i) => portraitVector(syntheticPortrait(users + i))!);

const indexTimes: number[] = [];
for (const query of queryVectors) {
  started = performance.now();
  index.nearest(query, 10);
  indexTimes.push(performance.now() - started);
}
indexTimes.sort((a, b) => a - b);

const baselineTimes: number[] = [];
for (const query of queryVectors.slice(0, baselineQueries)) {
  started = performance.now();
  const scored = plain.map(({ id, vector }) => ({
    id,
    score: vector.reduce((s, x, d) => s + x * query[d]!, 0),
  }));
  scored.sort((a, b) => b.score - a.score);
  const top = scored.slice(0, 10);
  baselineTimes.push(performance.now() - started);
  const fromIndex = index.nearest(query, 10).map((r) => r.id);
  if (top.map((r) => r.id).join() !== fromIndex.join())
    throw new Error('the index and the baseline disagree');
}
baselineTimes.sort((a, b) => a - b);

console.log(
  `\nmatching: top-10 similar among ${users.toLocaleString('en')} synthetic portraits (${vectorDims} dimensions), one core`,
);
console.log('| method | queries | p50 ms | p99 ms |');
console.log('| --- | --- | --- | --- |');
console.log(
  `| PortraitIndex: flat Float32Array, running top-k (target < 50 ms) | ${queries} | ${percentile(indexTimes, 50).toFixed(1)} | ${percentile(indexTimes, 99).toFixed(1)} |`,
);
console.log(
  `| baseline: objects, score all, sort | ${baselineQueries} | ${percentile(baselineTimes, 50).toFixed(1)} | ${percentile(baselineTimes, 99).toFixed(1)} |`,
);
console.log(
  `index holds ${((users * vectorDims * 4) / 2 ** 20).toFixed(0)} MiB of vectors; building both took ${buildSeconds.toFixed(1)} s; results identical on the baseline's queries`,
);
