import { KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { createLogger } from '../../../services/kit/log.js';
import { eventually } from '../../../e2e/testenv/eventually.js';
import { server } from '../../../e2e/testenv/root-hooks.js';
import { LeaderElector } from './leader.js';

describe('leader election on a Lease (real API server)', function () {
  this.timeout(30_000);

  it('lets one of two replicas lead, and hands over within the lease time when the leader dies', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(server('kube').kubeconfigPath);
    const log = createLogger({ service: 'leader-test', level: 'error' });
    const leading = new Set<string>();
    let overlaps = 0;
    const elector = (identity: string) =>
      new LeaderElector(
        kc,
        {
          namespace: 'default',
          name: 'metachat-operator-test',
          identity,
          leaseDurationMs: 3000,
          retryPeriodMs: 300,
          onStartedLeading: () => {
            if (leading.size > 0) overlaps++;
            leading.add(identity);
          },
          onStoppedLeading: () => void leading.delete(identity),
        },
        log,
      );
    const a = elector('replica-a');
    const b = elector('replica-b');
    a.start();
    await eventually('replica-a to lead', async () => a.leading);
    b.start();
    await new Promise((r) => setTimeout(r, 1500));
    expect([a.leading, b.leading]).to.deep.equal([true, false]);

    await a.stop(false); // dies without handing the lease back
    await eventually('replica-b to take over once the lease expires', async () => b.leading, 10_000);
    expect(a.leading).to.equal(false);
    expect(overlaps).to.equal(0);
    await b.stop();
  });

  it('never leads after it stopped, even when an attempt was in flight at the stop', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(server('kube').kubeconfigPath);
    const log = createLogger({ service: 'leader-test', level: 'error' });
    for (let round = 0; round < 8; round++) {
      let startedAfterStop = 0;
      let stopped = false;
      const elector = new LeaderElector(
        kc,
        {
          namespace: 'default',
          name: `metachat-operator-stop-${round}`,
          identity: 'replica-a',
          leaseDurationMs: 3000,
          retryPeriodMs: 1, // attempts back to back: the stop lands in one
          onStartedLeading: () => void (stopped && startedAfterStop++),
          onStoppedLeading: () => undefined,
        },
        log,
      );
      elector.start();
      await eventually('the elector to lead', async () => elector.leading);
      await elector.stop(false);
      stopped = true;
      await new Promise((r) => setTimeout(r, 100)); // the attempt that was in flight has ended
      expect([elector.leading, startedAfterStop]).to.deep.equal([false, 0]);
    }
  });
});
