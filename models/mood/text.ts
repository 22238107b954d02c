// Text → tokens for the mood model: language by script, tokens, negation
// scope, stems. Pure functions; the same code prepares training data and
// live text, so the model sees at run time what it saw in training.
import snowball from 'snowball-stemmers';

export type Language = 'en' | 'ru' | 'und';

const cyrillic = /\p{Script=Cyrillic}/gu;
const latin = /\p{Script=Latin}/gu;

/**
 * English or Russian by the script most letters are in: the two languages
 * MetaChat scores use different alphabets, so counting letters is exact for
 * them and needs no model. Text with no letters (emoji, digits) is `und`.
 */
export function detectLanguage(text: string): Language {
  const ru = text.match(cyrillic)?.length ?? 0;
  const en = text.match(latin)?.length ?? 0;
  if (ru === 0 && en === 0) return 'und';
  return ru > en ? 'ru' : 'en';
}

const negators: Record<Exclude<Language, 'und'>, Set<string>> = {
  en: new Set([
    'not',
    'no',
    'never',
    'nothing',
    'nobody',
    'none',
    'neither',
    'nor',
    'without',
    'hardly',
    "n't",
  ]),
  ru: new Set(['не', 'ни', 'нет', 'никогда', 'ничего', 'никто', 'без']),
};
// Negation reaches to the next punctuation or this many words, whichever comes first.
const negationReach = 3;

const stemmers = { en: snowball.newStemmer('english'), ru: snowball.newStemmer('russian') };

/** Words (with "n't" split off), emoji, and clause punctuation, lower-cased. */
export function tokenize(text: string): string[] {
  const lower = text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/n['’]t\b/g, " n't");
  return lower.match(/n't|[\p{L}\p{N}]+(?:['’-][\p{L}]+)*|\p{Extended_Pictographic}|[.!?,;:]/gu) ?? [];
}

export interface Token {
  /** The word as written (lower-cased), for lexicons keyed by words. */
  word: string;
  stem: string;
  /** Inside a negation's reach ("not good" → good is negated). */
  negated: boolean;
}

/** Stems with negation marked; punctuation ends a negation and is dropped. */
export function analyse(text: string, language: Language = detectLanguage(text)): Token[] {
  const lang = language === 'ru' ? 'ru' : 'en';
  const tokens: Token[] = [];
  let reach = 0;
  for (const word of tokenize(text)) {
    if (/^[.!?,;:]$/.test(word)) {
      reach = 0;
      continue;
    }
    if (negators[lang].has(word)) {
      reach = negationReach;
      tokens.push({ word, stem: word, negated: false });
      continue;
    }
    const stem = /\p{L}/u.test(word) ? stemmers[lang].stem(word) : word;
    tokens.push({ word, stem, negated: reach > 0 });
    if (reach > 0) reach--;
  }
  return tokens;
}
