// How a controller restarts a watch the API server refused or dropped. An API
// server warming up answers 429 (and a restarting one 5xx or nothing) for a
// few seconds: those are retried quietly with backoff, and said once, as a
// warning, only if they persist. Anything else (401, 403, 404) is said at once.

/** A watch's failures since it last started cleanly. */
export interface WatchFailures {
  count: number;
  firstAt: number;
  warned: boolean;
}

/** How long the warm-up kind of failure may last before it is worth a warning. */
export const quietForMs = 15_000;

/** Failures a warm-up or restart of the API server gives: too many requests, a 5xx, or no answer. */
export function isWarmUp(err: unknown): boolean {
  const status = (err as { statusCode?: unknown; code?: unknown } | null)?.statusCode;
  return typeof status !== 'number' || status === 429 || status >= 500;
}

/**
 * After the watch failed again (`failures` counts this one): when to restart
 * it (doubling from 250 ms to at most 30 s) and whether to warn now (once per
 * run of failures: at once for a refusal, after `quietForMs` for a warm-up).
 */
export function nextRestart(
  failures: WatchFailures,
  err: unknown,
  now: number,
): { delayMs: number; warn: boolean } {
  const delayMs = Math.min(30_000, 250 * 2 ** Math.max(0, failures.count - 1));
  const persists = !isWarmUp(err) || now - failures.firstAt >= quietForMs;
  return { delayMs, warn: persists && !failures.warned };
}
