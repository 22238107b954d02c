import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { createHmac } from 'node:crypto';
import { verifySignature } from '../../services/notifications/webhook.js';
import type { MetaChatError } from '../../services/sdk/index.js';
import { MetaChat, mention } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

interface Pushed {
  body: { type: string; notification: { user: string; kind: string; excerpt: string } };
  signature: string | undefined;
  raw: string;
}

describe('notifications end to end (offline mentions and direct messages; push hook)', function () {
  this.timeout(120_000);
  const secret = 'hook-secret-for-the-test';
  let platform: Platform;
  let hook: Server;
  const pushed: Pushed[] = [];
  /** How long the hook takes to answer, and how many pushes it has held at once at most. */
  const hold = { ms: 0, inFlight: 0, most: 0 };
  let ann: MetaChat;
  let bob: MetaChat;
  let annId: string;
  let bobId: string;
  let room: string;

  before(async () => {
    // The deployment's push receiver (what a push bridge would be): records what it is sent.
    hook = createServer((req, res) => {
      let raw = '';
      hold.most = Math.max(hold.most, ++hold.inFlight);
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () =>
        setTimeout(() => {
          hold.inFlight--;
          pushed.push({
            body: JSON.parse(raw) as Pushed['body'],
            signature: req.headers['x-metachat-signature'] as string | undefined,
            raw,
          });
          res.writeHead(204).end();
        }, hold.ms),
      );
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    platform = await startTestPlatform('notifications', {
      notifications: true,
      natsUsers: true,
      env: {
        NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/push`,
        NOTIFY_WEBHOOK_SECRET: secret,
        NOTIFY_WEBHOOK_CONCURRENCY: '2',
      },
    });
    [ann, bob] = [0, 1].map(
      () => new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never }),
    ) as [MetaChat, MetaChat];
    annId = (await ann.register('notify-ann@example.com', 'Ann', 'ann-password')).id;
    bobId = (await bob.register('notify-bob@example.com', 'Bob', 'bob-password')).id;
    room = (await ann.createRoom('Notified', { members: [bobId] })).id;
    await bob.acceptInvitation(room);
  });
  after(async () => {
    await platform?.stop();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('notifies an offline user mentioned in a room, and pushes it to the hook, signed', async () => {
    await bob.send(room, `${mention(annId)} are you around? it's about the trip`);
    const { notifications, unread } = await eventually('Ann’s notification', async () => {
      const listed = await ann.notifications();
      return listed.notifications.length > 0 ? listed : undefined;
    });
    expect(unread).to.equal(1);
    expect(notifications[0]).to.include({
      kind: 'mention',
      room,
      roomName: 'Notified',
      from: bobId,
      read: false,
    });
    expect(notifications[0]!.excerpt).to.include('are you around?');

    const push = await eventually('the push', async () =>
      pushed.find((p) => p.body.notification.user === annId),
    );
    expect(push.body.notification).to.include({ kind: 'mention' });
    // What a receiver does (docs/security.md): HMAC-SHA256 of "<t>.<raw body>", and a recent t.
    const { t, v1 } = Object.fromEntries(push.signature!.split(',').map((kv) => kv.split('='))) as {
      t: string;
      v1: string;
    };
    expect(v1).to.equal(createHmac('sha256', secret).update(`${t}.${push.raw}`).digest('hex'));
    expect(Math.abs(Number(t) - Date.now() / 1000)).to.be.below(300);
    expect(verifySignature(secret, push.raw, push.signature, Math.floor(Date.now() / 1000))).to.equal(true);
    // The same push replayed later than the tolerance is refused; so is the body with another time.
    expect(verifySignature(secret, push.raw, push.signature, Number(t) + 301)).to.equal(false);
    expect(verifySignature(secret, push.raw, `t=${Number(t) + 1},v1=${v1}`, Number(t))).to.equal(false);
  });

  it('pushes at most the configured number of notifications at once to a slow hook, and all of them', async () => {
    const dave = new MetaChat({ baseUrl: platform.gateways[0]!.url });
    const daveId = (await dave.register('notify-dave@example.com', 'Dave', 'dave-password')).id;
    const dm = (await bob.openDirect(daveId)).id;
    Object.assign(hold, { ms: 300, most: 0 });
    try {
      for (let i = 0; i < 8; i++) await bob.send(dm, `burst ${i}`);
      await eventually(
        'every push of the burst',
        async () => pushed.filter((p) => p.body.notification.user === daveId).length === 8,
        30_000,
      );
      expect(hold.most).to.be.within(1, 2);
    } finally {
      hold.ms = 0;
    }
  });

  it('notifies an offline user of a direct message, not an online one', async () => {
    const live = bob.events({});
    await eventually(
      'Bob online',
      async () => (await ann.presence([bobId])).presence[0]!.status === 'online',
    );
    const dm = (await ann.openDirect(bobId)).id;
    const carol = new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    const carolId = (await carol.register('notify-carol@example.com', 'Carol', 'carol-password')).id;
    const toCarol = (await ann.openDirect(carolId)).id;
    await ann.send(dm, 'while you are here');
    // Room events are notified in stream order: once Carol (offline) hears of a later message, the
    // one above has had its turn while Bob was still online. (A send is answered before its event is
    // published, so without this Bob could be gone before the notifier reaches it.)
    await ann.send(toCarol, 'after that');
    await eventually(
      'Carol’s notification',
      async () => (await carol.notifications()).notifications.length > 0,
    );
    live.close();
    await eventually(
      'Bob offline',
      async () => (await ann.presence([bobId])).presence[0]!.status === 'offline',
    );
    await ann.send(dm, 'while you are away');
    const { notifications } = await eventually('Bob’s notification', async () => {
      const listed = await bob.notifications();
      return listed.notifications.length > 0 ? listed : undefined;
    });
    expect(notifications.map((n) => [n.kind, n.excerpt])).to.deep.equal([['direct', 'while you are away']]);
  });

  it('marks notifications read, some or all, and refuses malformed requests', async () => {
    await bob.send(room, `${mention(annId)} second`);
    const { notifications } = await eventually('two for Ann', async () => {
      const listed = await ann.notifications();
      return listed.notifications.length === 2 ? listed : undefined;
    });
    expect(await ann.markNotificationsRead([notifications[1]!.id])).to.deep.equal({ marked: 1 });
    expect((await ann.notifications({ unreadOnly: true })).notifications.map((n) => n.id)).to.deep.equal([
      notifications[0]!.id,
    ]);
    expect(await ann.markNotificationsRead('all')).to.deep.equal({ marked: 1 });
    expect((await ann.notifications()).unread).to.equal(0);
    for (const body of [{}, { ids: [] }, { ids: [{ $gt: '' }] }, { all: 'yes' }, { ids: ['x'], extra: 1 }]) {
      const refused = await ann
        .api('POST', '/notifications/read', body)
        .catch((e: unknown) => e as MetaChatError);
      expect(refused, JSON.stringify(body)).to.deep.include({ status: 400 });
    }
    const badQuery = await ann
      .api('GET', '/notifications?unread=maybe')
      .catch((e: unknown) => e as MetaChatError);
    expect(badQuery).to.deep.include({ status: 400 });
  });

  it('does not notify a user of someone they blocked', async () => {
    await ann.api('PUT', `/me/blocks/${bobId}`);
    const before = (await ann.notifications()).notifications.length;
    await bob.send(room, `${mention(annId)} from a blocked user`);
    // A later message that does notify (Bob): once it is there, the one before it was judged.
    await ann.send(room, `${mention(bobId)} a marker`);
    await eventually('the marker notified', async () =>
      (await bob.notifications()).notifications.some((n) => n.excerpt.endsWith('a marker')),
    );
    await ann.api('DELETE', `/me/blocks/${bobId}`);
    await bob.send(room, `${mention(annId)} after the unblock`);
    const { notifications } = await eventually('the unblocked one', async () => {
      const listed = await ann.notifications();
      return listed.notifications.length > before ? listed : undefined;
    });
    expect(notifications.map((n) => n.excerpt)).to.include(`${mention(annId)} after the unblock`);
    expect(notifications.map((n) => n.excerpt)).not.to.include(`${mention(annId)} from a blocked user`);
  });

  it('shows in a notification what the room shows now: the edited text, or none once deleted', async () => {
    const { seq } = await bob.send(room, `${mention(annId)} the first draft of the plan`);
    const excerpt = async () =>
      (await ann.notifications()).notifications.find((n) => n.room === room && n.seq === seq)?.excerpt;
    await eventually('the mention notified', async () => (await excerpt()) !== undefined);
    await bob.edit(room, seq, `${mention(annId)} the plan, as agreed`);
    await eventually('the excerpt to follow the edit', async () => (await excerpt())?.includes('as agreed'));
    expect(await excerpt()).to.not.include('first draft');
    await bob.delete(room, seq);
    await eventually('the excerpt to go with the message', async () => (await excerpt()) === '');
  });
});
