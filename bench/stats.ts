/** Latency percentiles and throughput, computed once a run is over. */
export interface RunStats {
  count: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]!;
}

export function summarise(latenciesMs: number[], seconds: number): RunStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

export function table(rows: { name: string; stats: RunStats; note?: string }[], baseline: RunStats): string {
  const header = ['workload', 'ops', 'seconds', 'ops/s', 'p50 ms', 'p99 ms', 'vs raw JetStream'];
  const lines = rows.map(({ name, stats, note }) => [
    name,
    String(stats.count),
    stats.seconds.toFixed(2),
    stats.perSecond.toFixed(0),
    Number.isNaN(stats.p50Ms) ? '-' : stats.p50Ms.toFixed(2),
    Number.isNaN(stats.p99Ms) ? '-' : stats.p99Ms.toFixed(2),
    `${((stats.perSecond / baseline.perSecond) * 100).toFixed(0)} %${note ? ` ${note}` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}
