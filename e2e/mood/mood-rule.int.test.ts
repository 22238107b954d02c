import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { ActorClient } from '../../services/actors/client.js';
import { defaultRoomSettings } from '../../services/chat/room-model.js';
import { MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

interface Message {
  seq: number;
  text: string;
  moderation?: { action: string; reason: string };
}

describe('the rooms’ mood rule end to end (chat and mood services as processes)', function () {
  this.timeout(120_000);
  let nc: NatsConnection;
  let platform: Platform;
  let ann: MetaChat;
  const rooms: Record<'ruled' | 'plain', string> = { ruled: '', plain: '' };

  before(async () => {
    platform = await startTestPlatform('mood_rule', { mood: true });
    nc = await connect({ servers: platform.natsUrl });
    ann = new MetaChat({ baseUrl: platform.gateways[0]!.url });
    const annId = (await ann.register('mood-rule-ann@example.com', 'Ann', 'ann-password')).id;
    const actors = new ActorClient(nc, 8);
    for (const kind of ['ruled', 'plain'] as const) {
      rooms[kind] = `k_mood_rule_${kind}`;
      const settings = defaultRoomSettings();
      if (kind === 'ruled') settings.moderation.moodModel = 'builtin';
      const result = await actors.send('room', rooms[kind], {
        type: 'configure',
        name: `Mood rule (${kind})`,
        kind: 'group',
        visibility: 'private',
        owners: [annId],
        members: [],
        settings,
      });
      expect(result.status).to.equal('accepted');
    }
  });
  after(async () => {
    await nc?.close();
    await platform?.stop();
  });

  const hostile = 'I hate this, it is awful, disgusting and terrible. You are the worst.';
  const kind = 'Thank you so much, what a lovely and wonderful day!';

  it('flags a very negative message in a room whose rule is on, with the score as the reason', async () => {
    const bad = await ann.send(rooms.ruled, hostile);
    const good = await ann.send(rooms.ruled, kind);
    const messages = await eventually('the flag', async () => {
      const { messages } = await ann.api<{ messages: Message[] }>(
        'GET',
        `/rooms/${rooms.ruled}/messages?after=0`,
      );
      return messages.find((m) => m.seq === bad.seq)?.moderation ? messages : undefined;
    });
    const flagged = messages.find((m) => m.seq === bad.seq)!;
    expect(flagged.moderation!.action).to.equal('flagged');
    expect(flagged.moderation!.reason).to.match(/^very negative \(valence -0\.\d\d\)$/);
    expect(flagged.text, 'flagged, not hidden').to.equal(hostile);
    expect(messages.find((m) => m.seq === good.seq)!.moderation).to.equal(undefined);
    const { events } = await ann.api<{ events: { type: string; target?: number; by?: string }[] }>(
      'GET',
      `/rooms/${rooms.ruled}/events?after=0&limit=200`,
    );
    expect(events.find((e) => e.type === 'MessageFlagged')).to.include({ target: bad.seq, by: 'mood' });
  });

  it('leaves a room without the rule alone', async () => {
    const bad = await ann.send(rooms.plain, hostile);
    const marker = await ann.send(rooms.ruled, hostile); // scored after the plain one: once it is flagged, both were judged
    await eventually('the marker flagged', async () => {
      const { messages } = await ann.api<{ messages: Message[] }>(
        'GET',
        `/rooms/${rooms.ruled}/messages?after=0`,
      );
      return messages.find((m) => m.seq === marker.seq)?.moderation !== undefined;
    });
    const { messages } = await ann.api<{ messages: Message[] }>(
      'GET',
      `/rooms/${rooms.plain}/messages?after=0`,
    );
    expect(messages.find((m) => m.seq === bad.seq)!.moderation).to.equal(undefined);
  });
});
