export type Period = 'day' | 'week' | 'month';

export interface TimelinePoint {
  start: string;
  count: number;
  valenceMean: number;
  volatility: number;
  emotions: Record<string, number>;
}

/** The chart's labels and values: one point per period with texts in it, mood rounded to 2 places. */
export function valenceSeries(points: TimelinePoint[], lng: string, period: Period) {
  const format = new Intl.DateTimeFormat(
    lng,
    period === 'month' ? { year: 'numeric', month: 'short' } : { month: 'short', day: 'numeric' },
  );
  const rows = points
    .filter((p) => p.count > 0)
    .map((p) => ({
      label: format.format(new Date(p.start)),
      count: p.count,
      value: Math.round(p.valenceMean * 100) / 100,
    }));
  return { rows, labels: rows.map((r) => r.label), values: rows.map((r) => r.value) };
}
