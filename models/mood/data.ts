// The labelled English sentences the model trains and is tested on, all from
// packages: the `sentiment` npm package's test fixtures (UCI "Sentiment
// Labelled Sentences": Amazon, IMDb, Yelp; 1,000 each) and the Pang & Lee
// sentence polarity corpus and 2,000 whole reviews (training only) in Debian's python3-pattern. See DATA.md
// for licences; the Pang & Lee data is used at build time only, never committed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export interface Labelled {
  text: string;
  positive: boolean;
  source: 'amazon' | 'imdb' | 'yelp' | 'pang-lee' | 'pang-lee-reviews';
}

const require = createRequire(import.meta.url);

function sentimentFixtures(): Labelled[] {
  const dir = join(require.resolve('sentiment/package.json'), '..', 'test', 'fixtures');
  return (['amazon', 'imdb', 'yelp'] as const).flatMap((source) =>
    (JSON.parse(readFileSync(join(dir, `${source}.json`), 'utf8')) as { text: string; class: number }[]).map(
      (row) => ({ text: row.text.trim(), positive: row.class === 1, source }),
    ),
  );
}

const corpora = './usr/share/doc/python3-pattern/test/corpora/';
/** Pang & Lee's sentence polarity data, and their polarity dataset v2.0 (2,000 whole movie reviews). */
const patternFiles = {
  sentences: `${corpora}polarity-en-pang&lee2.csv`,
  reviews: `${corpora}polarity-en-pang&lee1.csv`,
};

/** Fetches Debian's python3-pattern package into the cache (once) and reads one corpus out of it. */
function pangLee(file: keyof typeof patternFiles): Labelled[] {
  const cache = join(process.env.METACHAT_CACHE_DIR ?? join(homedir(), '.cache', 'metachat'), 'data');
  mkdirSync(cache, { recursive: true });
  const find = () => readdirSync(cache).find((f) => f.startsWith('python3-pattern_') && f.endsWith('.deb'));
  const download = () =>
    execFileSync('apt-get', ['download', 'python3-pattern'], { cwd: cache, stdio: 'ignore' });
  if (!find()) {
    try {
      download();
    } catch {
      // A fresh machine may have no package lists yet.
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
      download();
    }
  }
  const deb = find();
  if (!deb || !existsSync(join(cache, deb)))
    throw new Error(
      `could not download Debian's python3-pattern into ${cache} (apt-get download python3-pattern)`,
    );
  const csv = execFileSync(
    'sh',
    ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO "$2"`, 'sh', join(cache, deb), patternFiles[file]],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  return parseCsv(csv.replace(/^\uFEFF/, '')).map(([label, text]) => ({
    text: text!.trim(),
    positive: label === '1',
    source: file === 'sentences' ? ('pang-lee' as const) : ('pang-lee-reviews' as const),
  }));
}

/** RFC 4180 rows (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c !== '\r') field += c;
  }
  if (field || row.length) endRow();
  return rows.filter((r) => r.length >= 2);
}

/** The labelled sentences: split into training and held-out sets. */
export const loadLabelled = (): Labelled[] => [...sentimentFixtures(), ...pangLee('sentences')];

/** Whole reviews: more text to train on, never in a held-out set (held-out figures are about sentences). */
export const loadReviews = (): Labelled[] => pangLee('reviews');

export interface EvalLine {
  text: string;
  valence: 'negative' | 'neutral' | 'positive';
  emotion: 'joy' | 'sadness' | 'anger' | 'fear' | 'surprise' | 'neutral';
}

/** MetaChat's own evaluation lines (models/mood/eval), never trained on. */
export function loadEvaluation(language: 'en' | 'ru'): EvalLine[] {
  return readFileSync(new URL(`./eval/${language}.jsonl`, import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EvalLine);
}
