// The operator process: leader election on a Lease; the leader runs the controllers.
import { KubeConfig } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { loadConfig, setting } from '../../services/kit/config.js';
import { commonSettings, runService } from '../../services/kit/service.js';
import { PlatformConnections } from './platform/connections.js';
import { defaultFetchPolicy } from './platform/model-artifacts.js';
import { allowList } from './platform/model-fetch.js';
import { chatRoomController } from './reconcile/chatroom-controller.js';
import { metaChatController } from './reconcile/metachat-controller.js';
import { moodModelController } from './reconcile/moodmodel-controller.js';
import { LeaderElector } from './runtime/leader.js';

const config = loadConfig({
  ...commonSettings,
  kubeconfig: setting.string('KUBECONFIG', {
    default: '-',
    description: 'kubeconfig path; in-cluster config when unset',
  }),
  identity: setting.string('POD_NAME', { default: `${hostname()}-${process.pid}` }),
  leaseNamespace: setting.string('POD_NAMESPACE', { default: 'default' }),
  leaderElection: setting.bool('LEADER_ELECTION', { default: true }),
  leaseDurationMs: setting.duration('LEASE_DURATION', { default: 15_000 }),
  modelFetchAllowedNetworks: setting.list('MODEL_FETCH_ALLOWED_NETWORKS', {
    description: 'networks (CIDRs) MoodModel downloads may reach although they are private or loopback',
    check: (cidr) => void allowList([cidr]),
  }),
});

await runService({
  service: 'operator',
  ...config,
  async start({ log, metrics }) {
    const kc = new KubeConfig();
    if (config.kubeconfig === '-') kc.loadFromDefault();
    else kc.loadFromFile(config.kubeconfig);
    const platforms = new PlatformConnections(kc, log);
    const controllers = [
      metaChatController(kc, log, metrics),
      chatRoomController(kc, platforms, log, metrics),
      moodModelController(kc, platforms, log, metrics, {
        ...defaultFetchPolicy,
        allowedNetworks: config.modelFetchAllowedNetworks,
      }),
    ];
    const startControllers = async () => {
      for (const controller of controllers) await controller.start();
    };
    const stopControllers = async () => {
      for (const controller of controllers) await controller.stop();
      await platforms.close();
    };
    if (!config.leaderElection) {
      await startControllers();
      return { stop: stopControllers };
    }
    let stopping = false;
    const elector = new LeaderElector(
      kc,
      {
        namespace: config.leaseNamespace,
        name: 'metachat-operator',
        identity: config.identity,
        leaseDurationMs: config.leaseDurationMs,
        retryPeriodMs: Math.max(500, Math.floor(config.leaseDurationMs / 5)),
        onStartedLeading: startControllers,
        // A replica that lost the lease must not act on anything any more: leave, and be restarted as a candidate.
        onStoppedLeading: () => {
          if (stopping) return;
          log.error('lost leadership; exiting');
          process.exit(1);
        },
      },
      log,
    );
    elector.start();
    return {
      async stop() {
        stopping = true;
        await stopControllers();
        await elector.stop();
      },
    };
  },
});
