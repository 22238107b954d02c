import { expect } from 'chai';
import { WebSocket } from 'ws';
import { MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';
import { crowdInRooms } from './crowd.js';

const rooms = 3;
const writers = 6;
const perWriter = 30; // 180 messages, each edited and reacted to at once

describe('chat read model under two chat replicas (edits right after their messages)', function () {
  this.timeout(180_000);
  let platform: Platform;

  before(async () => {
    platform = await startTestPlatform('replicas', { gateways: 1, chatReplicas: 2 });
  });
  after(() => platform?.stop());

  it('shows every message with its edit and reaction in history: events are applied in order', async () => {
    const url = platform.gateways[0]!.url;
    const client = () => new MetaChat({ baseUrl: url, WebSocket: WebSocket as never });
    const owner = client();
    await owner.register('replicas-owner@example.com', 'Owner', 'owner-password');
    const { people, roomIds } = await crowdInRooms(owner, client, { people: writers, rooms, name: 'writer' });

    const written = new Map<string, { room: string; seq: number; by: string }>();
    await Promise.all(
      people.map(async ({ c, id }, w) => {
        for (let n = 0; n < perWriter; n++) {
          const room = roomIds[(w + n) % rooms]!;
          const { seq } = await c.send(room, `draft ${w}-${n}`);
          await c.edit(room, seq, `final ${w}-${n}`);
          await c.react(room, seq, '👍');
          written.set(`final ${w}-${n}`, { room, seq, by: id });
        }
      }),
    );

    for (const room of roomIds) {
      const expected = [...written].filter(([, v]) => v.room === room);
      const done = (m: { text: string; reactions: Record<string, string[]> }) =>
        m.text.startsWith('final') && (m.reactions['👍']?.length ?? 0) > 0;
      const messages = await eventually(
        `room ${room}'s history to show all its edits and reactions`,
        async () => {
          const page = (await owner.history(room, { after: 0, limit: 200 })).messages;
          return page.length === expected.length && page.every(done) && page;
        },
        30_000,
      );
      for (const [text, { seq, by }] of expected) {
        const message = messages.find((m) => m.seq === seq);
        expect(message, `message ${seq}`).to.deep.include({ text, author: by });
        expect(message!.reactions).to.deep.equal({ '👍': [by] });
      }
    }
  });
});
