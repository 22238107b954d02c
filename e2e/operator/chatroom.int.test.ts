import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { WebSocket } from 'ws';
import { group, version, type Condition } from '../../operator/src/api/common.js';
import { PlatformConnections } from '../../operator/src/platform/connections.js';
import { chatRoomController } from '../../operator/src/reconcile/chatroom-controller.js';
import type { Controller } from '../../operator/src/runtime/controller.js';
import { installCrds } from '../../operator/src/testdata/install-crds.js';
import { createResource } from '../../operator/src/testdata/resources.js';
import { createLogger } from '../../services/kit/log.js';
import { MetaChat, type RoomEvent } from '../../services/sdk/index.js';
import { statusOf } from '../sdk-failure.js';
import { startPlatform, type Platform } from '../platform.js';
import { eventually } from '../testenv/eventually.js';
import { server } from '../testenv/root-hooks.js';

const namespace = 'default';

interface RoomStatus {
  roomId?: string;
  members?: number;
  messages?: number;
  pendingMembers?: string[];
  conditions?: Condition[];
}

const condition = (status: RoomStatus | undefined, type: Condition['type']) =>
  status?.conditions?.find((c) => c.type === type);

describe('ChatRoom resources end to end (operator controller, real API server; services as processes)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let controller: Controller;
  let platforms: PlatformConnections;
  const users: Record<string, MetaChat> = {};
  const rooms = { group, version, namespace, plural: 'chatrooms' };

  const status = async (name: string) =>
    ((await custom.getNamespacedCustomObject({ ...rooms, name })) as { status?: RoomStatus }).status;
  const apply = (name: string, spec: Record<string, unknown>) => createResource(kc, 'ChatRoom', name, spec);
  const patchSpec = (name: string, spec: Record<string, unknown>) =>
    custom.patchNamespacedCustomObject({ ...rooms, name, body: [{ op: 'add', path: '/spec', value: spec }] });
  const ready = (name: string) =>
    eventually(`ChatRoom ${name} to be Ready`, async () => {
      const s = await status(name);
      return condition(s, 'Ready')?.status === 'True' && s?.roomId ? s : undefined;
    });
  const gone = (name: string) =>
    eventually(`ChatRoom ${name} to be gone`, () =>
      custom.getNamespacedCustomObject({ ...rooms, name }).then(
        () => false,
        () => true,
      ),
    );

  before(async () => {
    const [nats, mongo, redis] = [server('nats'), server('mongo'), server('redis')];
    [platform, kc] = await Promise.all([
      startPlatform({
        natsUrl: nats.url,
        mongoUrl: mongo.url,
        redisUrl: redis.url,
        database: `e2e_rooms_${Date.now().toString(36)}`,
      }),
      installCrds(server('kube')),
    ]);
    custom = kc.makeApiClient(CustomObjectsApi);
    await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'rooms-jwt' }, stringData: { secret: platform.jwtSecret } },
    });
    await createResource(kc, 'MetaChat', 'local', {
      image: 'ghcr.io/metachat/metachat',
      nats: { url: nats.url },
      mongodb: { url: mongo.url },
      redis: { url: redis.url },
      jwtSecretRef: { name: 'rooms-jwt', key: 'secret' },
      partitions: 8, // as the platform's services run
    });
    for (const name of ['ann', 'bob', 'cat']) {
      users[name] = new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
      await users[name].register(`${name}@example.com`, name, `${name}-password`);
    }
    const log = createLogger({ service: 'operator-test', level: 'error' });
    platforms = new PlatformConnections(kc, log);
    controller = chatRoomController(kc, platforms, log, new Registry());
    await controller.start();
  });
  after(async () => {
    await controller?.stop();
    await platforms?.close();
    await platform?.stop();
  });

  it('makes a room that declared members can post in, live over the WebSocket', async () => {
    await apply('lobby', {
      platform: 'local',
      displayName: 'Lobby',
      owners: ['ann@example.com'],
      members: ['bob@example.com', 'dan@example.com'],
      deletionPolicy: 'Delete',
    });
    const s = await ready('lobby');
    expect(s.pendingMembers).to.deep.equal(['dan@example.com']);
    expect(condition(s, 'Progressing')?.reason).to.equal('WaitingForAccounts');
    const room = s.roomId!;

    const live = users.ann!.events({ [room]: 0 });
    await live.subscribed;
    const { seq } = await users.bob!.send(room, 'hello from a declared room');
    let received: RoomEvent | undefined;
    for await (const event of live) {
      if (event.event.type === 'MessageSent') {
        received = event;
        break;
      }
    }
    live.close();
    expect(received).to.deep.include({ room, seq });
    expect(received!.event).to.deep.include({ text: 'hello from a declared room' });
    expect(await statusOf(users.cat!.send(room, 'let me in'))).to.equal(403);

    // Counts are refreshed periodically and on every change to the resource: touch it rather than wait.
    await custom.patchNamespacedCustomObject({
      ...rooms,
      name: 'lobby',
      body: [{ op: 'add', path: '/metadata/annotations', value: { touched: 'now' } }],
    });
    const counted = await eventually('status to count members and messages', async () => {
      const now = await status('lobby');
      return now?.members === 2 && now.messages === 1 ? now : undefined;
    });
    expect(counted.messages).to.equal(1);
    const events = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=lobby' });
    expect(events.items.filter((e) => e.reason === 'RoomProvisioned')).to.have.length(1);
  });

  it('changes who may post when the spec changes its members', async () => {
    const room = (await status('lobby'))!.roomId!;
    await patchSpec('lobby', {
      platform: 'local',
      displayName: 'Lobby',
      owners: ['ann@example.com'],
      members: ['cat@example.com'],
      deletionPolicy: 'Delete',
    });
    await eventually('cat to be able to post', () =>
      users.cat!.send(room, 'now I am in').then(
        () => true,
        () => false,
      ),
    );
    expect(await statusOf(users.bob!.send(room, 'am I still in?'))).to.equal(403);
    await eventually('status to follow the new generation', async () => {
      const now = await status('lobby');
      return condition(now, 'Ready')?.observedGeneration === 2 && now?.pendingMembers?.length === 0;
    });
  });

  it('deletes the room and its history when the resource is deleted with policy Delete', async () => {
    const room = (await status('lobby'))!.roomId!;
    // The history is a read model: wait until it has caught up, so deleting it is proven.
    await eventually(
      'the history to hold the messages',
      async () => (await users.ann!.history(room)).messages.length > 0,
    );
    await custom.deleteNamespacedCustomObject({ ...rooms, name: 'lobby' });
    await gone('lobby');
    expect(await statusOf(users.ann!.history(room))).to.equal(404);
    expect(await statusOf(users.ann!.send(room, 'anyone?'))).to.equal(404);
  });

  it('keeps the room when the resource is deleted with policy Retain', async () => {
    await apply('archive', { platform: 'local', displayName: 'Archive', owners: ['ann@example.com'] });
    const room = (await ready('archive')).roomId!;
    await users.ann!.send(room, 'keep this');
    await custom.deleteNamespacedCustomObject({ ...rooms, name: 'archive' });
    await gone('archive');
    expect((await users.ann!.send(room, 'still here')).seq).to.be.greaterThan(0);
  });

  it('reports a missing platform as Degraded with a reason, and can still be deleted', async () => {
    await apply('orphan', { platform: 'nowhere', displayName: 'Orphan' });
    const degraded = await eventually('Degraded', async () => {
      const c = condition(await status('orphan'), 'Degraded');
      return c?.status === 'True' ? c : undefined;
    });
    expect(degraded.reason).to.equal('PlatformNotFound');
    expect(degraded.message).to.contain('nowhere');
    await custom.deleteNamespacedCustomObject({ ...rooms, name: 'orphan' });
    await gone('orphan');
  });

  it('is refused by the API server when the spec is invalid, naming the field', async () => {
    const refusal = async (spec: Record<string, unknown>) => {
      const err = await apply('bad', spec).then(
        () => undefined,
        (e: unknown) => e as { code?: number; body?: string },
      );
      expect(err?.code, JSON.stringify(spec)).to.equal(422);
      return String(err?.body);
    };
    expect(await refusal({ platform: 'local', displayName: 'x', owners: ['not-an-email'] })).to.contain(
      'spec.owners[0]',
    );
    expect(await refusal({ platform: 'local', displayName: 'x', kind: 'direct' })).to.contain('spec.kind');
    expect(
      await refusal({ platform: 'local', displayName: 'x', maxMembers: 1, members: ['a@b.co', 'c@d.co'] }),
    ).to.contain('exceed maxMembers');
  });
});
