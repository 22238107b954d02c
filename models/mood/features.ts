// Tokens → the model's input vector: hashed stem unigrams and bigrams (with
// negation marked), then the lexicon scores. Pure; shared by training and inference.
import { lexiconValence, vaderCompound } from './lexicon.js';
import type { Language, Token } from './text.js';

export const hashBits = 14;
const buckets = 1 << hashBits;
export const featureCount = buckets + 4;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The input vector of one text, written into `x` (zeroed, `featureCount` long: a row of a batch). */
export function features(
  text: string,
  tokens: Token[],
  language: Language,
  x = new Float32Array(featureCount),
): Float32Array {
  const terms = tokens.map((t) => (t.negated ? `NOT_${t.stem}` : t.stem));
  for (let i = 0; i < terms.length; i++) {
    x[fnv1a(terms[i]!) % buckets] = 1;
    if (i > 0) x[fnv1a(`${terms[i - 1]} ${terms[i]}`) % buckets] = 1;
  }
  const lexicon = lexiconValence(tokens, language);
  x[buckets] = lexicon.score;
  x[buckets + 1] = Math.min(lexicon.hits, 5) / 5;
  x[buckets + 2] = Math.min(tokens.length, 50) / 50;
  // VADER's rules (intensifiers, "but", capitals, punctuation) for English; its lexicon is English only.
  x[buckets + 3] = language === 'en' ? vaderCompound(text) : 0;
  return x;
}

/**
 * The bag of known words: per vocabulary word, its share of the text's known
 * words, negative inside a negation. Times the frozen word-vector layer it is
 * the text's mean word vector.
 */
export function wordBag(
  tokens: Token[],
  vocabulary: ReadonlyMap<string, number>,
  bag = new Float32Array(vocabulary.size),
): Float32Array {
  const known = tokens.filter((t) => vocabulary.has(t.word));
  for (const t of known) bag[vocabulary.get(t.word)!]! += (t.negated ? -1 : 1) / known.length;
  return bag;
}
