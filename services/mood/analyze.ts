import { ApiError, validationFailed } from '../kit/api-error.js';
import { jsonObject } from '../kit/json-object.js';
import { moodSubjects } from './subjects.js';

/** Most texts per analyze request, and most characters per text. */
export const analyzeLimits = { texts: 256, textLength: 10_000 };

/** `{"text": "..."}` or `{"texts": ["...", ...]}` → the texts; anything else is a 400 naming the problem. */
export function parseAnalyzeRequest(raw: unknown): string[] {
  const body = jsonObject(raw, ['text', 'texts', 'model']);
  if ((body.text === undefined) === (body.texts === undefined))
    throw validationFailed('give exactly one of text and texts', { field: 'text' });
  const texts = body.texts === undefined ? [body.text] : body.texts;
  if (!Array.isArray(texts) || texts.length === 0 || texts.length > analyzeLimits.texts)
    throw validationFailed(`texts must be a list of 1 to ${analyzeLimits.texts} strings`, { field: 'texts' });
  return texts.map((text, i) => {
    const field = body.texts === undefined ? 'text' : `texts[${i}]`;
    if (typeof text !== 'string') throw validationFailed(`${field} must be a string`, { field });
    if (text.length > analyzeLimits.textLength)
      throw validationFailed(`${field} must be at most ${analyzeLimits.textLength} characters`, { field });
    return text;
  });
}

/** A MoodModel's name, as Kubernetes allows it (and no NATS wildcard). */
const modelName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Where an analyze request goes: one named MoodModel's service, or the platform's active model. */
export function analyzeTargetOf(raw: unknown): { subject: string; model?: string } {
  const model = typeof raw === 'object' && raw !== null ? (raw as { model?: unknown }).model : undefined;
  if (model === undefined) return { subject: moodSubjects.analyze };
  if (typeof model !== 'string' || !modelName.test(model))
    throw validationFailed('model must be the name of a MoodModel', { field: 'model' });
  return { subject: moodSubjects.analyzeWith(model), model };
}

/** A named model that no mood service serves: not published (or its Deployment has no replica yet). */
export const modelNotServed = (model: string) =>
  new ApiError('model_not_found', 404, `no mood service serves MoodModel ${model}; is it published?`, {
    field: 'model',
  });
