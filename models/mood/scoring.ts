// From the model's and the lexicons' evidence to what MetaChat reports per
// text. Pure. The neutral band and the emotion prior were fixed before the
// evaluation set was scored, and are never tuned on it.
import { emotionHits, emotionLabels, lexiconValence, type Emotion } from './lexicon.js';
import type { Language, Token } from './text.js';

export type Valence = 'negative' | 'neutral' | 'positive';

export interface MoodResult {
  language: Language;
  valence: Valence;
  /** −1 (very negative) … 1 (very positive). */
  valenceScore: number;
  /** Probabilities over joy, sadness, anger, fear, surprise and neutral; they sum to 1. */
  emotions: Record<Emotion | 'neutral', number>;
}

/** |score| below this is neutral. */
export const neutralBand = 0.25;
/** Weight of "neutral" among the emotions when a text names no feeling. */
const neutralPrior = 1;

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * `modelPositive` is the trained model's probability that the text is
 * positive (English only; undefined for other languages, which the lexicons
 * score). A text with no word any lexicon or emotion list knows is neutral:
 * the model was trained on opinions only, and would otherwise guess.
 */
export function moodOf(
  text: string,
  tokens: Token[],
  language: Language,
  modelPositive: number | undefined,
): MoodResult {
  const lexicon = lexiconValence(tokens, language);
  const hits = emotionHits(text, tokens, language);
  const evidence = lexicon.hits + Object.values(hits).reduce((a, b) => a + b, 0);
  const score = evidence === 0 ? 0 : modelPositive !== undefined ? 2 * modelPositive - 1 : lexicon.score;
  const valence: Valence = Math.abs(score) < neutralBand ? 'neutral' : score > 0 ? 'positive' : 'negative';

  const weights: Record<Emotion | 'neutral', number> = { ...hits, neutral: 0 };
  const named = emotionLabels.reduce((n, e) => n + hits[e], 0);
  weights.neutral = named === 0 ? neutralPrior : 0.1;
  if (named === 0 && valence !== 'neutral') {
    // Felt but unnamed: lean to the valence's most common emotion.
    weights[valence === 'positive' ? 'joy' : 'sadness'] += Math.abs(score);
  }
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const emotions = Object.fromEntries(
    Object.entries(weights).map(([k, w]) => [k, round(w / total)]),
  ) as MoodResult['emotions'];
  return { language, valence, valenceScore: round(score), emotions };
}
