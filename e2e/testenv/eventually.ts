import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns something truthy and returns that; fails
 * naming `what` when the time runs out. A probe that throws counts as "not yet".
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false | 0 | ''>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
