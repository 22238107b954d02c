import { expect } from 'chai';
import { WebSocket } from 'ws';
import { MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';
import { crowdInRooms, listenLive, wholeHistory } from './crowd.js';

const rooms = 4;
const senders = 10;
const perSender = 500; // 5,000 messages

describe('chat under a replica crash (SIGKILL during a 5,000-message load)', function () {
  this.timeout(300_000);
  let platform: Platform;

  before(async () => {
    platform = await startTestPlatform('failover', {
      gateways: 2,
      chatReplicas: 2,
      env: { ACTOR_LEASE_TTL: '2s', ACTOR_ACK_WAIT: '3s' },
    });
  });
  after(() => platform?.stop());

  it('loses no acknowledged message, stores none twice and keeps every room in order', async () => {
    const [a, b] = platform.gateways.map((g) => g.url);
    const client = (url: string) =>
      new MetaChat({ baseUrl: url, WebSocket: WebSocket as never, sendAttempts: 12 });
    const owner = client(a!);
    await owner.register('owner@example.com', 'Owner', 'owner-password');
    const { people, roomIds } = await crowdInRooms(owner, (i) => client(i % 2 ? b! : a!), {
      people: senders,
      rooms,
      name: 'sender',
    });
    const live = await listenLive(owner, roomIds);
    const { received } = live;

    const acknowledged = new Map<string, { room: string; seq: number }>();
    let killed = false;
    await Promise.all(
      people.map(async ({ c, id }, s) => {
        for (let n = 0; n < perSender; n++) {
          const room = roomIds[(s + n) % rooms]!;
          const text = `${id} #${n}`;
          const { seq } = await c.send(room, text, `${s}-${n}`);
          acknowledged.set(text, { room, seq });
          if (!killed && acknowledged.size >= 1500) {
            killed = true;
            const lines = platform.chat[0]!.lines;
            const count = (message: string) =>
              lines.filter((l) => l.message === message && l.actorType === 'room').length;
            expect(count('partition acquired') - count('partition released')).to.be.above(0); // it holds rooms
            platform.chat[0]!.kill(); // SIGKILL: no goodbye, leases expire, commands are redelivered
          }
        }
      }),
    );
    expect(killed).to.equal(true);
    expect(acknowledged.size).to.equal(senders * perSender);

    // History: every acknowledged message once, at its acknowledged sequence; each sender's messages in order.
    for (const room of roomIds) {
      const expected = [...acknowledged].filter(([, v]) => v.room === room);
      const stored = await eventually(
        `room ${room}'s history to hold all its messages`,
        async () => {
          const all = await wholeHistory(owner, room);
          return all.length >= expected.length && all;
        },
        60_000,
      );
      expect(stored).to.have.length(expected.length);
      expect(new Set(stored.map((m) => m.text)).size).to.equal(stored.length);
      for (const m of stored) expect(acknowledged.get(m.text)).to.deep.equal({ room, seq: m.seq });
      for (const { id } of people) {
        const mine = stored.filter((m) => m.author === id).map((m) => Number(m.text.split('#')[1]));
        expect(mine).to.deep.equal([...mine].sort((x, y) => x - y));
      }
    }

    // What clients received live: every sequence of the room once, in order, through the crash.
    await eventually(
      'listeners to receive every message',
      async () =>
        received.every(
          (events, r) =>
            events.filter((e) => e.event.type === 'MessageSent').length ===
            [...acknowledged.values()].filter((v) => v.room === roomIds[r]).length,
        ),
      60_000,
    );
    for (const events of received) {
      expect(events.map((e) => e.seq)).to.deep.equal(Array.from({ length: events.length }, (_, i) => i + 1));
    }
    await live.close();
  });
});
