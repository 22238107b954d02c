// `make dev`: the whole platform locally on embedded defaults. Starts the real
// servers on fixed loopback ports with data kept under .dev/, prints where
// everything listens, writes .dev/env for other shells, and stops cleanly on
// Ctrl-C. Ports can be moved with METACHAT_DEV_<SERVER>_PORT.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig, setting } from '../../services/kit/config.js';
import { startTestEnv, type TestEnv } from './index.js';
import { startProcess, waitUntilReady, type ManagedProcess } from './process.js';

const config = (() => {
  try {
    return parseConfig(
      {
        kube: setting.port('METACHAT_DEV_KUBE_PORT', { default: 16443 }),
        mongo: setting.port('METACHAT_DEV_MONGO_PORT', { default: 27018 }),
        nats: setting.port('METACHAT_DEV_NATS_PORT', { default: 14222 }),
        redis: setting.port('METACHAT_DEV_REDIS_PORT', { default: 16379 }),
        gateway: setting.port('METACHAT_DEV_GATEWAY_PORT', { default: 18080 }),
        chatOps: setting.port('METACHAT_DEV_CHAT_OPS_PORT', { default: 19091 }),
        identityOps: setting.port('METACHAT_DEV_IDENTITY_OPS_PORT', { default: 19092 }),
        gatewayOps: setting.port('METACHAT_DEV_GATEWAY_OPS_PORT', { default: 19093 }),
        operatorOps: setting.port('METACHAT_DEV_OPERATOR_OPS_PORT', { default: 19094 }),
        moodOps: setting.port('METACHAT_DEV_MOOD_OPS_PORT', { default: 19095 }),
        diaryOps: setting.port('METACHAT_DEV_DIARY_OPS_PORT', { default: 19096 }),
        portraitOps: setting.port('METACHAT_DEV_PORTRAIT_OPS_PORT', { default: 19097 }),
        matchingOps: setting.port('METACHAT_DEV_MATCHING_OPS_PORT', { default: 19098 }),
        notificationsOps: setting.port('METACHAT_DEV_NOTIFICATIONS_OPS_PORT', { default: 19099 }),
        dir: setting.string('METACHAT_DEV_DIR', { default: '.dev' }),
      },
      process.env,
    );
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
})();

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
mkdirSync(dir, { recursive: true });
console.log(`metachat dev: starting servers (data and logs in ${dir}) ...`);
let env: TestEnv;
try {
  env = await startTestEnv({ dir, ports: config, timeoutMs: 120_000 });
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

/** The platform's services, as processes on the servers above, each logging to .dev/<name>.log. */
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

const vars = describeEnv(env);
// A development-only secret, made anew per `make dev`: never used outside this machine.
const serviceEnv = {
  NATS_URL: vars.NATS_URL,
  MONGO_URL: env.mongo!.url,
  MONGO_DB: 'metachat',
  REDIS_URL: vars.REDIS_URL,
  JWT_SECRET: randomBytes(32).toString('hex'),
};
try {
  await Promise.all([
    startService('chat', 'services/chat/main.ts', config.chatOps, serviceEnv),
    startService('identity', 'services/identity/main.ts', config.identityOps, serviceEnv),
    startService('mood', 'services/mood/main.ts', config.moodOps, serviceEnv),
    startService('diary', 'services/diary/main.ts', config.diaryOps, serviceEnv),
    startService('portrait', 'services/portrait/main.ts', config.portraitOps, serviceEnv),
    startService('matching', 'services/matching/main.ts', config.matchingOps, serviceEnv),
    startService('notifications', 'services/notifications/main.ts', config.notificationsOps, serviceEnv),
  ]);
  await startService('gateway', 'services/gateway/main.ts', config.gatewayOps, {
    ...serviceEnv,
    PORT: String(config.gateway),
  });
  // The operator watches the local control plane; the CRDs go in first.
  const kubectl = [env.kube!.kubectl, '--kubeconfig', env.kube!.kubeconfigPath] as const;
  execFileSync(kubectl[0], [...kubectl.slice(1), 'apply', '--server-side', '-f', resolve('crds')], {
    stdio: 'ignore',
  });
  await startService('operator', 'operator/src/main.ts', config.operatorOps, {
    KUBECONFIG: env.kube!.kubeconfigPath,
  });
} catch (err) {
  console.error((err as Error).message);
  for (const service of services) await service.stop();
  await env.stop();
  process.exit(1);
}
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

  API (gateway)    http://127.0.0.1:${config.gateway}/api/v1   (OpenAPI: /api/v1/openapi.json, WebSocket: ws://127.0.0.1:${config.gateway}/ws)
  services         chat, identity, gateway, operator, mood, diary, portrait, matching, notifications: logs in ${dir}/<service>.log,
                   /readyz on ports ${config.chatOps}, ${config.identityOps}, ${config.gatewayOps}, ${config.operatorOps}, ${config.moodOps}, ${config.diaryOps}, ${config.portraitOps}, ${config.matchingOps}, ${config.notificationsOps}

  In another shell: source ${resolve(dir, 'env')}
  Ctrl-C stops everything.`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\nmetachat dev: ${signal}, stopping ...`);
  for (const service of services.reverse()) await service.stop();
  await env.stop();
  console.log('metachat dev: stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
