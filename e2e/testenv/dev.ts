// `make dev`: the whole platform locally on embedded defaults. Starts the real
// servers on fixed loopback ports with data kept under .dev/, prints where
// everything listens, writes .dev/env for other shells, and stops cleanly on
// Ctrl-C, SIGINT or SIGTERM. Ports move all at once with METACHAT_DEV_BASE_PORT
// or one by one with METACHAT_DEV_<SERVER>_PORT (dev-settings.ts).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { devSettings, type DevSettings } from './dev-settings.js';
import type { NatsService } from '../../services/kit/nats-permissions.js';
import { startTestEnv, type TestEnv } from './index.js';
import { startProcess, waitUntilReady, type ManagedProcess } from './process.js';

let config: DevSettings;
try {
  config = devSettings(process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}

export function describeEnv(env: TestEnv): Record<string, string> {
  return {
    KUBECONFIG: env.kube?.kubeconfigPath ?? '',
    METACHAT_KUBECTL: env.kube?.kubectl ?? '',
    MONGO_URL: `${env.mongo?.url ?? ''}metachat`,
    NATS_URL: env.nats?.url ?? '',
    REDIS_URL: env.redis?.url ?? '',
  };
}

const dir = resolve(config.dir);
/** What has started so far, stopped in reverse on the way out, whenever that comes. */
let env: TestEnv | undefined;
const services: ManagedProcess[] = [];

async function startService(name: string, entry: string, opsPort: number, extraEnv: NodeJS.ProcessEnv) {
  const proc = startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', resolve(entry)],
    logFile: resolve(dir, `${name}.log`),
    env: { ...extraEnv, OPS_PORT: String(opsPort), LOG_LEVEL: 'info' },
  });
  services.push(proc);
  await waitUntilReady(proc, async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).ok, 60_000);
}

async function start(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  console.log(`metachat dev: starting servers (data and logs in ${dir}) ...`);
  // NATS as deployed: a user per service, allowed only its subjects, and no anonymous access.
  env = await startTestEnv({ dir, ports: config, timeoutMs: 120_000, natsUsers: true });
  notStopping();
  const vars = describeEnv(env);
  // A development-only secret, made anew per `make dev`: never used outside this machine.
  const serviceEnv = {
    NATS_URL: vars.NATS_URL,
    MONGO_URL: env.mongo!.url,
    MONGO_DB: 'metachat',
    REDIS_URL: vars.REDIS_URL,
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  const users = env.nats!.users!;
  const as = (service: NatsService) => ({
    ...serviceEnv,
    NATS_USER: users[service].user,
    NATS_PASSWORD: users[service].pass,
  });
  await Promise.all([
    startService('chat', 'services/chat/main.ts', config.chatOps, as('chat')),
    startService('identity', 'services/identity/main.ts', config.identityOps, as('identity')),
    startService('mood', 'services/mood/main.ts', config.moodOps, as('mood')),
    startService('diary', 'services/diary/main.ts', config.diaryOps, as('diary')),
    startService('portrait', 'services/portrait/main.ts', config.portraitOps, as('portrait')),
    startService('matching', 'services/matching/main.ts', config.matchingOps, as('matching')),
    startService(
      'notifications',
      'services/notifications/main.ts',
      config.notificationsOps,
      as('notifications'),
    ),
  ]);
  notStopping();
  await startService('gateway', 'services/gateway/main.ts', config.gatewayOps, {
    ...as('gateway'),
    PORT: String(config.gateway),
  });
  // The operator watches the local control plane; the CRDs go in first.
  const kubectl = [env.kube!.kubectl, '--kubeconfig', env.kube!.kubeconfigPath] as const;
  execFileSync(kubectl[0], [...kubectl.slice(1), 'apply', '--server-side', '-f', resolve('crds')], {
    stdio: 'ignore',
  });
  // A MetaChat without nats.usersSecret is reached as the operator's own user.
  await startService('operator', 'operator/src/main.ts', config.operatorOps, {
    KUBECONFIG: env.kube!.kubeconfigPath,
    NATS_USER: users.operator.user,
    NATS_PASSWORD: users.operator.pass,
  });
  writeFileSync(
    resolve(dir, 'env'),
    Object.entries(vars)
      .map(([k, v]) => `export ${k}=${v}`)
      .join('\n') + '\n',
  );
  console.log(`
  Kubernetes API   ${env.kube?.server}   (kubectl: KUBECONFIG=${vars.KUBECONFIG})
  MongoDB wire     ${env.mongo?.url}   (FerretDB, SQLite)
  NATS JetStream   ${env.nats?.url}
  Redis            ${env.redis?.url}

  web app          http://127.0.0.1:${config.gateway}/
  API (gateway)    http://127.0.0.1:${config.gateway}/api/v1   (OpenAPI: /api/v1/openapi.json, WebSocket: ws://127.0.0.1:${config.gateway}/ws)
  services         chat, identity, gateway, operator, mood, diary, portrait, matching, notifications: logs in ${dir}/<service>.log,
                   /readyz on ports ${config.chatOps}, ${config.identityOps}, ${config.gatewayOps}, ${config.operatorOps}, ${config.moodOps}, ${config.diaryOps}, ${config.portraitOps}, ${config.matchingOps}, ${config.notificationsOps}

  In another shell: source ${resolve(dir, 'env')}
  Ctrl-C stops everything.`);
}

async function stopAll(): Promise<void> {
  for (const service of services.reverse()) await service.stop();
  await env?.stop();
}

/** Ends start-up early when a signal came during it. */
function notStopping(): void {
  if (stopping) throw new Error('stopped while starting');
}

// Signals are handled from the first moment: one that comes while the servers
// start waits for that step to finish (a half-started server cannot be
// abandoned), then everything stops.
let stopping = false;
const starting = start();
async function shutdown(reason: string, code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\nmetachat dev: ${reason}, stopping ...`);
  await starting.catch(() => undefined);
  await stopAll();
  console.log('metachat dev: stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT', 0));
process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
starting.catch((err: Error) => {
  console.error(err.message);
  void shutdown('could not start', 1);
});
