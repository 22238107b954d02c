import { validationFailed } from './api-error.js';

/**
 * A request body as an object with only the allowed fields: anything else is
 * a 400 `validation_failed` ("the body must be a JSON object", or naming the
 * first unknown field).
 */
export function jsonObject(raw: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw validationFailed('the body must be a JSON object', { field: 'body' });
  const [unknown] = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown !== undefined) throw validationFailed(`unknown field: ${unknown}`, { field: unknown });
  return raw as Record<string, unknown>;
}
