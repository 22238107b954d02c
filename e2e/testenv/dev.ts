// `make dev`: the whole platform locally on embedded defaults. Starts the real
// servers on fixed loopback ports with data kept under .dev/, prints where
// everything listens, writes .dev/env for other shells, and stops cleanly on
// Ctrl-C. Ports can be moved with METACHAT_DEV_<SERVER>_PORT.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig, setting } from '../../services/kit/config.js';
import { startTestEnv, type TestEnv } from './index.js';

const config = (() => {
  try {
    return parseConfig(
      {
        kube: setting.port('METACHAT_DEV_KUBE_PORT', { default: 16443 }),
        mongo: setting.port('METACHAT_DEV_MONGO_PORT', { default: 27018 }),
        nats: setting.port('METACHAT_DEV_NATS_PORT', { default: 14222 }),
        redis: setting.port('METACHAT_DEV_REDIS_PORT', { default: 16379 }),
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

const vars = describeEnv(env);
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

  In another shell: source ${resolve(dir, 'env')}
  Ctrl-C stops everything.`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\nmetachat dev: ${signal}, stopping ...`);
  await env.stop();
  console.log('metachat dev: stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
