import { expect } from 'chai';
import { isWarmUp, nextRestart, quietForMs } from './watch-restarts.js';

const status = (statusCode: number) => Object.assign(new Error('refused'), { statusCode });

describe('watch restarts', () => {
  it('counts 429, 5xx and no answer as the API server warming up or restarting, not 401/403/404', () => {
    for (const err of [status(429), status(500), status(503), new Error('socket hang up')])
      expect(isWarmUp(err)).to.equal(true);
    for (const err of [status(401), status(403), status(404)]) expect(isWarmUp(err)).to.equal(false);
  });

  it('backs off from 250 ms, doubling, to at most 30 s', () => {
    const delays = [1, 2, 3, 4, 10, 50].map(
      (count) => nextRestart({ count, firstAt: 0, warned: false }, status(429), 0).delayMs,
    );
    expect(delays).to.deep.equal([250, 500, 1000, 2000, 30_000, 30_000]);
  });

  it('stays quiet about a warm-up until it persists, then warns once', () => {
    const failures = { count: 3, firstAt: 1000, warned: false };
    expect(nextRestart(failures, status(429), 1000 + quietForMs - 1).warn).to.equal(false);
    expect(nextRestart(failures, status(429), 1000 + quietForMs).warn).to.equal(true);
    expect(nextRestart({ ...failures, warned: true }, status(429), 1000 + 10 * quietForMs).warn).to.equal(
      false,
    );
  });

  it('warns at once, and once, about a refusal', () => {
    expect(nextRestart({ count: 1, firstAt: 0, warned: false }, status(403), 0).warn).to.equal(true);
    expect(nextRestart({ count: 2, firstAt: 0, warned: true }, status(403), 0).warn).to.equal(false);
  });
});
