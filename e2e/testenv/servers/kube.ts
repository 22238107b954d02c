import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { goServerBinary } from '../binaries.js';
import { freePort } from '../ports.js';
import { startProcess, waitUntilReady, type ManagedProcess } from '../process.js';
import type { RunningServer, ServerSlot } from './slot.js';

export interface KubeDetails {
  /** https://127.0.0.1:PORT — the API server, with a self-signed serving certificate. */
  server: string;
  /** Bearer token of a `system:masters` user. */
  token: string;
  /** A kubeconfig for the admin user, usable by kubectl and @kubernetes/client-node. */
  kubeconfigPath: string;
  /** kubectl built at the same version as the API server. */
  kubectl: string;
}

/**
 * A Kubernetes control plane in the style of controller-runtime's envtest:
 * etcd, kube-apiserver (RBAC, static admin token) and kube-controller-manager
 * running only the garbage-collector and namespace controllers, so owner
 * references and namespace deletion behave as in a cluster. No scheduler and
 * no kubelet: pods are never run.
 */
export async function startKube(slot: ServerSlot): Promise<RunningServer<KubeDetails>> {
  const started: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const proc of started.reverse()) await proc.stop();
  };
  const killAll = async () => {
    await Promise.all(started.map((proc) => proc.kill()));
  };
  try {
    const etcdUrl = await startEtcd(slot, started);
    const details = await startApiServer(slot, etcdUrl, started);
    await startControllerManager(slot, details, started);
    return { details, stop: stopAll, kill: killAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startEtcd(slot: ServerSlot, started: ManagedProcess[]): Promise<string> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const proc = startProcess({
    name: 'etcd',
    command: goServerBinary('etcd'),
    args: [
      '--name=default',
      `--data-dir=${join(slot.dir, 'etcd')}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    logFile: join(slot.dir, 'etcd.log'),
    cwd: slot.dir,
  });
  started.push(proc);
  await waitUntilReady(
    proc,
    async () => {
      const res = await fetch(`${clientUrl}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    },
    slot.timeoutMs,
  );
  return clientUrl;
}

async function startApiServer(
  slot: ServerSlot,
  etcdUrl: string,
  started: ManagedProcess[],
): Promise<KubeDetails> {
  const pki = join(slot.dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saPub = join(pki, 'sa.pub');
  const saKey = join(pki, 'sa.key');
  writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(pki, 'tokens.csv');
  writeFileSync(tokenFile, `${token},admin,admin,"system:masters"\n`);

  const server = `https://127.0.0.1:${slot.port}`;
  const proc = startProcess({
    name: 'kube-apiserver',
    command: goServerBinary('kube-apiserver'),
    args: [
      `--etcd-servers=${etcdUrl}`,
      `--etcd-prefix=/metachat-${slot.port}`,
      `--cert-dir=${pki}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${slot.port}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--authorization-mode=RBAC',
      `--token-auth-file=${tokenFile}`,
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      `--service-account-issuer=${server}`,
      '--disable-admission-plugins=ServiceAccount',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=1',
    ],
    logFile: join(slot.dir, 'kube-apiserver.log'),
    cwd: slot.dir,
  });
  started.push(proc);
  await waitUntilReady(
    proc,
    async () => (await getInsecure(`${server}/readyz`, token)) === 200,
    slot.timeoutMs,
  );

  const kubeconfigPath = join(slot.dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(server, token));
  return { server, token, kubeconfigPath, kubectl: goServerBinary('kubectl') };
}

async function startControllerManager(slot: ServerSlot, kube: KubeDetails, started: ManagedProcess[]) {
  const port = await freePort();
  const proc = startProcess({
    name: 'kube-controller-manager',
    command: goServerBinary('kube-controller-manager'),
    args: [
      `--kubeconfig=${kube.kubeconfigPath}`,
      `--authentication-kubeconfig=${kube.kubeconfigPath}`,
      `--authorization-kubeconfig=${kube.kubeconfigPath}`,
      '--controllers=garbage-collector-controller,namespace-controller',
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(slot.dir, 'kcm-pki')}`,
      '--v=1',
    ],
    logFile: join(slot.dir, 'kube-controller-manager.log'),
    cwd: slot.dir,
  });
  started.push(proc);
  await waitUntilReady(
    proc,
    async () => (await getInsecure(`https://127.0.0.1:${port}/healthz`)) === 200,
    slot.timeoutMs,
  );
}

function kubeconfig(server: string, token: string): string {
  // The API server signs its own serving certificate, so the client skips verification.
  // Loopback only; a real cluster's kubeconfig carries its CA.
  return `apiVersion: v1
kind: Config
clusters:
- name: metachat-test
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: ${token}
contexts:
- name: metachat-test
  context:
    cluster: metachat-test
    user: admin
current-context: metachat-test
`;
}

function getInsecure(url: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        rejectUnauthorized: false,
        timeout: 2000,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
