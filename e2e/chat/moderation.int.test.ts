import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { ActorClient } from '../../services/actors/client.js';
import { defaultRoomSettings, type RoomSettings } from '../../services/chat/room-model.js';
import { MetaChat, MetaChatError } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

interface Message {
  seq: number;
  text: string;
  moderation?: { action: string; reason: string };
}

describe('room moderation end to end (blocked words; services as processes)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let nc: NatsConnection;
  let ann: MetaChat;
  let bob: MetaChat;
  const rooms: Record<string, string> = {};

  const history = (who: MetaChat, room: string) =>
    who.api<{ messages: Message[] }>('GET', `/rooms/${room}/messages?after=0`).then((r) => r.messages);

  before(async () => {
    platform = await startTestPlatform('moderation', {});
    nc = await connect({ servers: platform.natsUrl });
    [ann, bob] = [0, 1].map(
      () => new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never }),
    ) as [MetaChat, MetaChat];
    const annId = (await ann.register('moderation-ann@example.com', 'Ann', 'ann-password')).id;
    const bobId = (await bob.register('moderation-bob@example.com', 'Bob', 'bob-password')).id;
    // As the operator provisions a ChatRoom with moderation settings.
    const actors = new ActorClient(nc, 8);
    for (const action of ['reject', 'hide', 'flag'] as const) {
      const settings: RoomSettings = {
        ...defaultRoomSettings(),
        moderation: { blockedWords: ['spam'], action, moodModel: '' },
      };
      rooms[action] = `k_moderation_${action}_${Date.now().toString(36)}`;
      const result = await actors.send('room', rooms[action], {
        type: 'configure',
        name: `Moderated (${action})`,
        kind: 'group',
        visibility: 'private',
        owners: [annId],
        members: [bobId],
        settings,
      });
      expect(result.status).to.equal('accepted');
    }
  });
  after(async () => {
    await nc?.close();
    await platform?.stop();
  });

  it('refuses a message with a blocked word in a reject room, with the reason', async () => {
    const refused = await bob.send(rooms.reject!, 'buy my spam').then(
      () => undefined,
      (e: unknown) => e as MetaChatError,
    );
    expect(refused).to.be.instanceOf(MetaChatError);
    expect(refused).to.deep.include({ error: 'message_blocked', status: 422 });
    expect(refused!.message).to.include('blocked word: spam');
    await bob.send(rooms.reject!, 'a clean message');
    const messages = await eventually('the clean message in history', async () => {
      const m = await history(ann, rooms.reject!);
      return m.length === 1 ? m : undefined;
    });
    expect(messages[0]!.text).to.equal('a clean message');
  });

  it('hides a message with a blocked word from everyone but its author, in history and live', async () => {
    const live = ann.events({ [rooms.hide!]: 0 });
    await live.subscribed;
    const { seq } = await bob.send(rooms.hide!, 'cheap spam for all');
    let seen: Record<string, unknown> | undefined;
    for await (const event of live) {
      if (event.seq === seq) {
        seen = event.event as Record<string, unknown>;
        break;
      }
    }
    live.close();
    expect(seen).to.deep.include({ type: 'MessageSent', text: '' });
    const forAnn = await eventually('the hidden message in history', async () => {
      const m = await history(ann, rooms.hide!);
      return m.find((x) => x.seq === seq);
    });
    expect(forAnn).to.deep.include({
      text: '',
      moderation: { action: 'hidden', reason: 'blocked word: spam' },
    });
    expect((await history(bob, rooms.hide!)).find((x) => x.seq === seq)?.text).to.equal('cheap spam for all');
  });

  it('flags a message with a blocked word and shows it, marked with the reason', async () => {
    const { seq } = await bob.send(rooms.flag!, 'is this spam?');
    const message = await eventually('the flagged message in history', async () =>
      (await history(ann, rooms.flag!)).find((x) => x.seq === seq),
    );
    expect(message).to.deep.include({
      text: 'is this spam?',
      moderation: { action: 'flagged', reason: 'blocked word: spam' },
    });
  });
});
