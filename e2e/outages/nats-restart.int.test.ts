import { expect } from 'chai';
import { historyHolding, listenLive, patientCrowd, sendAround } from '../chat/crowd.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';
import { startTestEnv, type TestEnv } from '../testenv/index.js';

const rooms = 3;
const senders = 6;
const perSender = 150; // 900 messages

describe('a nats-server crash (SIGKILL, started again on its store) under a message load', function () {
  this.timeout(300_000);
  let own: TestEnv;
  let platform: Platform;

  before(async () => {
    own = await startTestEnv({ servers: ['nats'] }); // the platform's NATS, to kill
    platform = await startTestPlatform('nats-restart', { natsUrl: own.nats!.url });
  });
  after(async () => {
    await platform?.stop();
    await own?.stop();
  });

  it('loses no acknowledged message, stores none twice, and live clients resume gap-free', async () => {
    const { owner, people, roomIds } = await patientCrowd(platform.gateways[0]!.url, {
      people: senders,
      rooms,
      name: 'sender',
    });
    const live = await listenLive(owner, roomIds);
    const { received } = live;

    let crashed: Promise<void> | undefined;
    const { acknowledged, refused, done } = sendAround(
      people,
      roomIds,
      (n) => n < perSender,
      () => {
        if (!crashed && acknowledged.size >= 300)
          crashed = own.takeDown('nats', 'kill').then((crash) => crash.back());
      },
    );
    await done;
    await crashed;
    expect(crashed, 'nats-server was killed under the load').to.not.equal(undefined);
    expect([...refused].slice(0, 3), 'sends refused').to.deep.equal([]);

    for (const room of roomIds) {
      const { stored, missing } = await historyHolding(owner, room, acknowledged, 90_000);
      expect(missing, `room ${room}: acknowledged, not in history`).to.deep.equal([]);
      expect(new Set(stored.map((m) => m.text)).size, `room ${room}: no message stored twice`).to.equal(
        stored.length,
      );
      for (const m of stored) expect(acknowledged.get(m.text)).to.deep.equal({ room, seq: m.seq });
    }

    // Live: every sequence of each room once, in order, across the crash.
    await eventually(
      'listeners to receive every message',
      async () =>
        received.every(
          (events, r) =>
            events.filter((e) => e.event.type === 'MessageSent').length >=
            [...acknowledged.values()].filter((v) => v.room === roomIds[r]).length,
        ),
      90_000,
    );
    for (const events of received)
      expect(events.map((e) => e.seq)).to.deep.equal(Array.from({ length: events.length }, (_, i) => i + 1));
    await live.close();
    console.log(
      `      nats-server killed after 300 of ${acknowledged.size} acknowledged messages; all in history and delivered live once, in order`,
    );
  });
});
