import type { Request } from 'express';
import { validationFailed } from '../kit/api-error.js';

/** One query parameter as text, given at most once; undefined when absent. */
export function queryText(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw validationFailed(`${name} must be given once, as text`, { field: name });
  return raw;
}
