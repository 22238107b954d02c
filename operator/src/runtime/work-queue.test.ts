import { expect } from 'chai';
import { WorkQueue } from './work-queue.js';

describe('work queue', () => {
  it('queues a key once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.depth).to.equal(2);
    expect([await q.get(), await q.get()]).to.deep.equal(['a', 'b']);
  });

  it('never hands out a key twice at once, and re-queues one added while it was processed', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    q.add('a'); // an event arrived during the reconcile
    expect(q.depth).to.equal(0);
    q.done(key!);
    expect(q.depth).to.equal(1);
    expect(await q.get()).to.equal('a');
  });

  it('backs off exponentially per key and resets on forget', () => {
    const q = new WorkQueue(100, 1000);
    expect([
      q.addRateLimited('x'),
      q.addRateLimited('x'),
      q.addRateLimited('x'),
      q.addRateLimited('x'),
      q.addRateLimited('x'),
    ]).to.deep.equal([100, 200, 400, 800, 1000]);
    expect(q.failures('x')).to.equal(5);
    q.forget('x');
    expect(q.failures('x')).to.equal(0);
    q.shutDown();
  });

  it('delivers a delayed key after its delay, and wakes a waiting worker', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.addAfter('later', 20);
    expect(await next).to.equal('later');
    q.shutDown();
    expect(await q.get()).to.equal(undefined);
  });
});
