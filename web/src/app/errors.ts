import { MetaChatError } from '@metachat/sdk';
import type { TFunction } from 'i18next';

/** A failure in words a person can act on; 429 says when to retry. */
export function describeError(err: unknown, t: TFunction): string {
  if (err instanceof MetaChatError && err.status === 429) {
    const seconds = Number(err.details?.retryAfterSeconds ?? err.details?.retryAfter ?? 0) || 1;
    return t('app.slowDown', { seconds });
  }
  return t('app.error', { message: err instanceof Error ? err.message : String(err) });
}
