import { CoreV1Api, CustomObjectsApi, AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { WebSocket } from 'ws';
import { builtinArtifacts, bundleDigest, encodeBundle, readBundle } from '../../models/mood/bundle.js';
import { group, version, type Condition } from '../../operator/src/api/common.js';
import { PlatformConnections } from '../../operator/src/platform/connections.js';
import { defaultFetchPolicy } from '../../operator/src/platform/model-artifacts.js';
import { moodModelController } from '../../operator/src/reconcile/moodmodel-controller.js';
import type { Controller } from '../../operator/src/runtime/controller.js';
import { installCrds } from '../../operator/src/testdata/install-crds.js';
import { invertedModel } from '../../operator/src/testdata/models.js';
import { createResource } from '../../operator/src/testdata/resources.js';
import { createLogger } from '../../services/kit/log.js';
import type { MoodAnalyzed } from '../../services/mood/mood-service.js';
import { moodBucket } from '../../services/mood/routing.js';
import { moodStream, moodSubjects } from '../../services/mood/subjects.js';
import { MetaChat } from '../../services/sdk/index.js';
import { startPlatform, type Platform } from '../platform.js';
import { statusOf } from '../sdk-failure.js';
import { eventually } from '../testenv/eventually.js';
import { server } from '../testenv/root-hooks.js';
import { startServiceProcess, type ServiceProcess } from '../testenv/service-process.js';

// Its own namespace: the API server is shared with the other operator suites.
const namespace = 'moods';
const happy = 'I love this, what a wonderful day!';

interface ModelStatus {
  model?: string;
  digest?: string;
  role?: string;
  replicas?: number;
  evaluation?: Record<string, number>;
  conditions?: Condition[];
}

const condition = (status: ModelStatus | undefined, type: Condition['type']) =>
  status?.conditions?.find((c) => c.type === type);

describe('MoodModel resources end to end (operator controller, real API server and NATS; mood services as processes)', function () {
  this.timeout(180_000);
  let platform: Platform;
  let pinned: ServiceProcess;
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let controller: Controller;
  let platforms: PlatformConnections;
  let nc: NatsConnection;
  let ann: MetaChat;
  let room: string;
  let http: Server;
  let httpUrl: string;
  const models = { group, version, namespace, plural: 'moodmodels' };
  const inverted = invertedModel('inverted', 'test');

  const status = async (name: string) =>
    ((await custom.getNamespacedCustomObject({ ...models, name })) as { status?: ModelStatus }).status;
  const apply = (name: string, spec: Record<string, unknown>) =>
    createResource(kc, 'MoodModel', name, spec, namespace);
  const setActive = (name: string, active: boolean) =>
    custom.patchNamespacedCustomObject({
      ...models,
      name,
      body: [{ op: 'add', path: '/spec/active', value: active }],
    });
  const conditionReason = (name: string, type: Condition['type'], reason: string) =>
    eventually(`MoodModel ${name} ${type} reason ${reason}`, async () => {
      const s = await status(name);
      return condition(s, type)?.reason === reason ? s : undefined;
    });
  /** Sends a message and returns the MoodAnalyzed event the platform publishes for it. */
  const scoredMessage = async (text: string): Promise<MoodAnalyzed> => {
    const { seq } = await ann.send(room, text);
    const consumer = await jetstream(nc).consumers.get(moodStream, {
      filter_subjects: [moodSubjects.analyzedInRoom(room)],
    });
    for (;;) {
      const msg = await consumer.next({ expires: 20_000 });
      expect(msg, `a MoodAnalyzed event for message ${seq} within 20 s`).to.not.equal(null);
      const analyzed = msg!.json<MoodAnalyzed>();
      if (analyzed.source === 'chat' && analyzed.seq === seq) return analyzed;
    }
  };

  before(async () => {
    const [natsServer, mongo, redis] = [server('nats'), server('mongo'), server('redis')];
    [platform, kc] = await Promise.all([
      startPlatform({
        natsUrl: natsServer.url,
        mongoUrl: mongo.url,
        redisUrl: redis.url,
        database: `e2e_models_${Date.now().toString(36)}`,
        mood: true,
      }),
      installCrds(server('kube')),
    ]);
    // The Deployment the operator makes for "inverted" runs this, as a process here.
    pinned = await startServiceProcess(
      fileURLToPath(new URL('../../services/mood/main.ts', import.meta.url)),
      {
        NATS_URL: natsServer.url,
        MOOD_MODEL: 'inverted',
        LOG_LEVEL: 'info',
      },
    );
    await pinned.waitForLog((l) => l.message === 'service started');
    nc = await connect({ servers: natsServer.url });
    custom = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'models-jwt' }, stringData: { secret: platform.jwtSecret } },
    });
    await createResource(
      kc,
      'MetaChat',
      'local',
      {
        image: 'ghcr.io/metachat/metachat',
        nats: { url: natsServer.url },
        mongodb: { url: mongo.url },
        redis: { url: redis.url },
        jwtSecretRef: { name: 'models-jwt', key: 'secret' },
      },
      namespace,
    );
    // "kubectl create configmap inverted --from-file=<artifacts dir>" gives this.
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: 'inverted' },
        data: {
          'model.json': inverted.modelJson.toString('utf8'),
          'metadata.json': inverted.metadata.toString('utf8'),
        },
        binaryData: { 'weights.bin': inverted.weights.toString('base64') },
      },
    });
    const bundleBytes = encodeBundle(inverted);
    http = createServer((req, res) => {
      if (req.url === '/models/inverted.mcmodel') res.end(bundleBytes);
      else if (req.url === '/moved') res.writeHead(302, { location: '/models/inverted.mcmodel' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    httpUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}/models/inverted.mcmodel`;

    ann = new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    await ann.register('models-ann@example.com', 'Ann', 'ann-password');
    room = (await ann.createRoom('Moods')).id;
    const log = createLogger({ service: 'operator-test', level: 'error' });
    platforms = new PlatformConnections(kc, log);
    // The model server here is on loopback, which the operator refuses unless allowed.
    controller = moodModelController(kc, platforms, log, new Registry(), {
      ...defaultFetchPolicy,
      allowedNetworks: ['127.0.0.1/32'],
    });
    await controller.start();
  });
  after(async () => {
    await controller?.stop();
    await platforms?.close();
    await pinned?.stop();
    await platform?.stop();
    // The routing bucket lives in the shared test NATS: leave none behind for other suites.
    if (nc)
      await new Kvm(nc)
        .open(moodBucket)
        .then((kv) => kv.destroy())
        .catch(() => undefined);
    await nc?.close();
    http?.close();
  });

  it('publishes the built-in model as active, with digest, evaluation figures and a pinned Deployment', async () => {
    await apply('builtin', {
      platform: 'local',
      source: { builtin: true },
      active: true,
      languages: ['en', 'ru'],
    });
    const s = await conditionReason('builtin', 'Ready', 'Published');
    expect(s).to.deep.include({ model: 'metachat-mood@1', role: 'active', replicas: 1 });
    expect(s.digest).to.equal(bundleDigest(readBundle(builtinArtifacts)));
    expect(s.evaluation?.['heldOut/MetaChat model/pooled']).to.be.a('number');
    // No kubelet runs here: the Deployment exists, its pods never become ready, and status says so.
    expect(condition(s, 'Progressing')?.reason).to.equal('RolloutInProgress');
    const deployment = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'local-mood-builtin', namespace });
    expect(deployment.spec?.template.spec?.containers[0]?.env).to.deep.include({
      name: 'MOOD_MODEL',
      value: 'builtin',
    });
    expect(deployment.metadata?.ownerReferences?.[0]).to.include({ kind: 'MoodModel', name: 'builtin' });
    expect((await scoredMessage(happy)).valence).to.equal('positive');
  });

  it('publishes a model from a ConfigMap, served by its pinned service before it is active', async () => {
    await apply('inverted', { platform: 'local', source: { configMap: { name: 'inverted' } } });
    const s = await conditionReason('inverted', 'Ready', 'Published');
    expect(s).to.deep.include({ model: 'inverted@test', role: 'standby', digest: bundleDigest(inverted) });
    const scored = await eventually('the pinned service to score with its model', () =>
      ann
        .api<{ model: string; results: { valence: string }[] }>('POST', '/mood/analyze', {
          text: happy,
          model: 'inverted',
        })
        .catch(() => undefined),
    );
    expect(scored.model).to.equal('inverted@test');
    expect(scored.results[0]!.valence).to.equal('negative');
    // The platform still scores with the active one.
    const active = await ann.api<{ model: string }>('POST', '/mood/analyze', { text: happy });
    expect(active.model).to.equal('metachat-mood@1');
    expect(await statusOf(ann.api('POST', '/mood/analyze', { text: happy, model: 'a.>' }))).to.equal(400);
  });

  it('makes new messages scored by the model that becomes active, without restarting anything', async () => {
    await setActive('builtin', false);
    await setActive('inverted', true);
    await conditionReason('inverted', 'Ready', 'Published').then((s) =>
      eventually('inverted to be active', async () =>
        (await status('inverted'))?.role === 'active' ? s : undefined,
      ),
    );
    const analyzed = await eventually('a message scored by the inverted model', async () => {
      const event = await scoredMessage(happy);
      return event.model === 'inverted@test' ? event : undefined;
    });
    expect(analyzed.valence).to.equal('negative');
    expect(analyzed.digest).to.equal(bundleDigest(inverted));
    const restarts = platform.mood!.lines.filter((l) => l.message === 'service started');
    expect(restarts).to.have.length(1);
  });

  it('refuses a second active model with a RoutingConflict, leaving routing as it was', async () => {
    await apply('rival', { platform: 'local', source: { builtin: true }, active: true });
    const s = await conditionReason('rival', 'Degraded', 'RoutingConflict');
    expect(condition(s, 'Degraded')?.message).to.equal('MoodModel inverted is already the active model');
    expect((await scoredMessage(happy)).model).to.equal('inverted@test');
    await custom.deleteNamespacedCustomObject({ ...models, name: 'rival' });
  });

  it('reports bad sources and specs as Degraded with a reason, or refuses them at the API server', async () => {
    const sha256 = createHash('sha256').update(encodeBundle(inverted)).digest('hex');
    await apply('wrong-digest', {
      platform: 'local',
      source: { http: { url: httpUrl, sha256: '0'.repeat(64) } },
    });
    await apply('no-map', { platform: 'local', source: { configMap: { name: 'missing' } } });
    await apply('no-french', { platform: 'local', source: { builtin: true }, languages: ['fr'] });
    await apply('no-platform', { platform: 'elsewhere', source: { builtin: true } });
    await apply('fetched', { platform: 'local', source: { http: { url: httpUrl, sha256 } } });
    // A digest the cache has not seen: a bundle already fetched for its digest is not fetched again.
    const unknown = '1'.repeat(64);
    const { port } = new URL(httpUrl);
    await apply('redirected', {
      platform: 'local',
      source: { http: { url: `http://127.0.0.1:${port}/moved`, sha256: unknown } },
    });
    await apply('internal', {
      platform: 'local',
      source: { http: { url: `http://[::1]:${port}/models/inverted.mcmodel`, sha256: unknown } },
    });
    const mismatch = condition(
      await conditionReason('wrong-digest', 'Degraded', 'DigestMismatch'),
      'Degraded',
    );
    expect(mismatch?.message).to.include('does not have the sha256 the spec gives');
    expect(mismatch?.message, 'the digest of what an address serves is not told').to.not.include(sha256);
    expect(
      condition(await conditionReason('redirected', 'Degraded', 'FetchFailed'), 'Degraded')?.message,
    ).to.include('redirects are not followed');
    expect(
      condition(await conditionReason('internal', 'Degraded', 'FetchFailed'), 'Degraded')?.message,
    ).to.include('::1 is refused');
    await conditionReason('no-map', 'Degraded', 'ArtifactsNotFound');
    expect(
      condition(await conditionReason('no-french', 'Degraded', 'ModelMismatch'), 'Degraded')?.message,
    ).to.include('lacks languages fr');
    await conditionReason('no-platform', 'Degraded', 'PlatformNotFound');
    expect((await conditionReason('fetched', 'Ready', 'Published')).digest).to.equal(`sha256:${sha256}`);

    const refusal = await createResource(
      kc,
      'MoodModel',
      'two-sources',
      {
        platform: 'local',
        source: { builtin: true, configMap: { name: 'inverted' } },
      },
      namespace,
    ).catch((err: { body?: string }) => String(err.body));
    expect(refusal).to.include('give exactly one of builtin: true, configMap and http');
    const both = await createResource(
      kc,
      'MoodModel',
      'both',
      {
        platform: 'local',
        source: { builtin: true },
        active: true,
        canaryPercent: 10,
      },
      namespace,
    ).catch((err: { body?: string }) => String(err.body));
    expect(both).to.include('an active model cannot also be a canary');
  });

  it('withdraws a deleted active model: the platform falls back to the built-in model', async () => {
    await custom.deleteNamespacedCustomObject({ ...models, name: 'inverted' });
    await eventually('inverted to be gone', () =>
      custom.getNamespacedCustomObject({ ...models, name: 'inverted' }).then(
        () => false,
        () => true,
      ),
    );
    const analyzed = await eventually('a message scored by the built-in model again', async () => {
      const event = await scoredMessage(happy);
      return event.model === 'metachat-mood@1' ? event : undefined;
    });
    expect(analyzed.valence).to.equal('positive');
  });
});
