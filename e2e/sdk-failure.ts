import { expect } from 'chai';
import { MetaChatError } from '../services/sdk/index.js';

/** The error code and HTTP status of an SDK call that must fail (the test fails if it succeeds). */
export async function failure(work: Promise<unknown>): Promise<{ error: string; status: number }> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the request to fail').to.be.instanceOf(MetaChatError);
  return { error: (err as MetaChatError).error, status: (err as MetaChatError).status };
}

/** Just the HTTP status of an SDK call that must fail. */
export const statusOf = async (work: Promise<unknown>): Promise<number> => (await failure(work)).status;
