import { validationFailed } from './api-error.js';

/**
 * A request body as an object with only the allowed fields: anything else is
 * a 400 `validation_failed` ("the body must be a JSON object", or naming the
 * first unknown field).
 */
export function jsonObject(raw: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw validationFailed('the body must be a JSON object');
  const extra = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw validationFailed(`unknown field: ${extra[0]}`, { field: extra[0] });
  return raw as Record<string, unknown>;
}
