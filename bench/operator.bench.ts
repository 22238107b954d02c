// `make bench` (operator): 1,000 ChatRooms applied at once with kubectl, until
// all are Ready, with the operator as a real process (leader election on) and
// the services as processes. Baseline in the same run: the same 1,000 rooms
// created directly through the REST API. Prints both times and the operator's
// peak memory (VmHWM of its process: compiled JavaScript, as shipped).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import { stringify } from 'yaml';
import { group, version, type Condition } from '../operator/src/api/common.js';
import { installCrds } from '../operator/src/testdata/install-crds.js';
import { createResource } from '../operator/src/testdata/resources.js';
import { startPlatform } from '../e2e/platform.js';
import { startTestEnv } from '../e2e/testenv/index.js';
import { startServiceProcess } from '../e2e/testenv/service-process.js';
import { MetaChat } from '../services/sdk/index.js';

const roomCount = 1000;
const concurrency = 8;
// As shipped: compiled JavaScript (`npm run build`, run first by `make bench`), with the heap cap the Helm chart sets.
const operatorNodeArgs = ['--max-old-space-size=128'];
const operatorEntry = fileURLToPath(new URL('../dist/operator/src/main.js', import.meta.url));

const peakRssMiB = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return line ? Number(line[1]) / 1024 : NaN;
};

async function inParallel(count: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const env = await startTestEnv();
try {
  const kc = await installCrds(env.kube!);
  const platform = await startPlatform({
    natsUrl: env.nats!.url,
    mongoUrl: env.mongo!.url,
    redisUrl: env.redis!.url,
    database: 'bench_operator',
  });
  try {
    const owner = new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    await owner.register('owner@example.com', 'Owner', 'owner-password');

    // Baseline: the same rooms made directly through the API.
    let started = performance.now();
    await inParallel(roomCount, (i) => owner.createRoom(`direct room ${i}`));
    const directSeconds = (performance.now() - started) / 1000;

    await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'jwt' }, stringData: { secret: platform.jwtSecret } },
    });
    await createResource(kc, 'MetaChat', 'local', {
      image: 'ghcr.io/metachat/metachat',
      nats: { url: env.nats!.url },
      mongodb: { url: env.mongo!.url },
      redis: { url: env.redis!.url },
      jwtSecretRef: { name: 'jwt', key: 'secret' },
      partitions: 8,
    });
    const operator = await startServiceProcess(
      operatorEntry,
      {
        KUBECONFIG: env.kube!.kubeconfigPath,
        POD_NAMESPACE: 'default',
        LOG_LEVEL: 'info',
      },
      { nodeArgs: operatorNodeArgs },
    );
    await operator.waitForLog((l) => l.message === 'became the leader');
    const idleMiB = peakRssMiB(operator.child.pid!);

    const manifest = join(env.dir, 'rooms.yaml');
    writeFileSync(
      manifest,
      Array.from({ length: roomCount }, (_, i) =>
        stringify({
          apiVersion: `${group}/${version}`,
          kind: 'ChatRoom',
          metadata: { name: `room-${i}`, namespace: 'default' },
          spec: { platform: 'local', displayName: `Room ${i}`, owners: ['owner@example.com'] },
        }),
      ).join('---\n'),
    );
    started = performance.now();
    execFileSync(
      env.kube!.kubectl,
      ['--kubeconfig', env.kube!.kubeconfigPath, 'apply', '--server-side', '-f', manifest],
      {
        stdio: 'ignore',
      },
    );
    const appliedSeconds = (performance.now() - started) / 1000;
    const custom = kc.makeApiClient(CustomObjectsApi);
    let ready = 0;
    while (ready < roomCount) {
      await new Promise((r) => setTimeout(r, 250));
      const list = (await custom.listNamespacedCustomObject({
        group,
        version,
        namespace: 'default',
        plural: 'chatrooms',
      })) as { items: { status?: { conditions?: Condition[] } }[] };
      ready = list.items.filter((o) =>
        o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
      if (performance.now() - started > 600_000)
        throw new Error(`only ${ready}/${roomCount} Ready after 10 min`);
    }
    const operatorSeconds = (performance.now() - started) / 1000;
    const peakMiB = peakRssMiB(operator.child.pid!);
    await operator.stop();

    console.log(
      `\noperator: ${roomCount} ChatRooms (kubectl apply --server-side, one file), operator as a process`,
    );
    console.log('| path | seconds | rooms/s |');
    console.log('| --- | --- | --- |');
    console.log(
      `| REST API directly (${concurrency} concurrent creates; baseline) | ${directSeconds.toFixed(1)} | ${(roomCount / directSeconds).toFixed(0)} |`,
    );
    console.log(
      `| ChatRooms: apply → all Ready (target < 60 s) | ${operatorSeconds.toFixed(1)} | ${(roomCount / operatorSeconds).toFixed(0)} |`,
    );
    console.log(`kubectl apply itself: ${appliedSeconds.toFixed(1)} s`);
    console.log(
      `operator peak memory: ${peakMiB.toFixed(0)} MiB (idle after start ${idleMiB.toFixed(0)} MiB; compiled JS, node ${operatorNodeArgs.join(' ')}; target < 200 MiB)`,
    );
  } finally {
    await platform.stop();
  }
} finally {
  await env.stop();
}
