import { expect } from 'chai';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('runs at most max tasks at once, the rest in arrival order, and passes results and errors through', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (i === 3) throw new Error('task 3 failed');
      return i * 10;
    };
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => semaphore.run(task(i))));
    expect(peak).to.equal(2);
    expect(started).to.deep.equal([0, 1, 2, 3, 4]);
    expect(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ).to.deep.equal([0, 10, 20, 'task 3 failed', 40]);
    expect(semaphore.pending).to.equal(0);
  });
});
