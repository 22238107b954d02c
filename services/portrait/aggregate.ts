// Mood aggregates: sums that can be added to and taken from (so a re-scored
// item replaces its old score), and what a portrait shows of them. Pure.

export const periods = ['day', 'week', 'month'] as const;
export type Period = (typeof periods)[number];

export interface Sums {
  n: number;
  sum: number;
  sumSq: number;
  emotions: Record<string, number>;
}

/** One scored item (a message, an entry) as the portrait keeps it. */
export interface ScoredItem {
  valenceScore: number;
  emotions: Record<string, number>;
}

export interface MoodSummary {
  count: number;
  /** Mean valence score, −1 … 1. */
  valenceMean: number;
  /** Standard deviation of the valence scores: how much the mood swings. */
  volatility: number;
  /** Mean emotion probabilities (they sum to 1 when count > 0). */
  emotions: Record<string, number>;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** What to add to the sums when `next` replaces `previous` (or is new). */
export function sumsDelta(previous: ScoredItem | undefined, next: ScoredItem): Sums {
  const emotions: Record<string, number> = {};
  for (const key of new Set([...Object.keys(next.emotions), ...Object.keys(previous?.emotions ?? {})]))
    emotions[key] = (next.emotions[key] ?? 0) - (previous?.emotions[key] ?? 0);
  return {
    n: previous ? 0 : 1,
    sum: next.valenceScore - (previous?.valenceScore ?? 0),
    sumSq: next.valenceScore ** 2 - (previous?.valenceScore ?? 0) ** 2,
    emotions,
  };
}

export function summarize(sums: Sums | undefined): MoodSummary {
  if (!sums || sums.n <= 0) return { count: 0, valenceMean: 0, volatility: 0, emotions: {} };
  const mean = sums.sum / sums.n;
  const variance = Math.max(0, sums.sumSq / sums.n - mean * mean);
  return {
    count: sums.n,
    valenceMean: round(mean),
    volatility: round(Math.sqrt(variance)),
    emotions: Object.fromEntries(Object.entries(sums.emotions).map(([k, v]) => [k, round(v / sums.n)])),
  };
}

/** The start of the day, ISO week (Monday) and month an instant falls in (UTC), as dates. */
export function bucketStarts(at: number): Record<Period, string> {
  const date = new Date(at);
  const day = date.toISOString().slice(0, 10);
  const monday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return { day, week: monday.toISOString().slice(0, 10), month: `${day.slice(0, 7)}-01` };
}
