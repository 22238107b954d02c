import { validationFailed } from '../kit/api-error.js';

// Time range bounds in a query: a date is a whole day (UTC), so
// `from=2026-12-04&to=2026-12-04` is that day; a full instant is exact, and
// as `to` it is an exclusive upper bound.

const dayMs = 86_400_000;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const instantPattern = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The bound in ms since the epoch: `from` is inclusive (a date: its first
 * instant), `to` exclusive (a date: the next day's first instant, so the day
 * itself is included).
 */
export function rangeBound(raw: unknown, bound: 'from' | 'to'): number | undefined {
  if (raw === undefined) return undefined;
  const text = typeof raw === 'string' ? raw : '';
  const isDate = datePattern.test(text);
  const ms = isDate ? Date.parse(`${text}T00:00:00Z`) : instantPattern.test(text) ? Date.parse(text) : NaN;
  // Date.parse rolls over impossible days (2026-02-30 is March 2nd): those are refused.
  if (Number.isNaN(ms) || (isDate && new Date(ms).toISOString().slice(0, 10) !== text))
    throw validationFailed(
      `${bound} must be a date (2026-12-04, a whole day in UTC) or an instant with its zone (2026-12-04T18:30:00Z)`,
      { field: bound },
    );
  return isDate && bound === 'to' ? ms + dayMs : ms;
}
