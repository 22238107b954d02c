import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { historyHolding, patientCrowd, sendAround } from '../chat/crowd.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';
import { startTestEnv, type TestEnv } from '../testenv/index.js';

const rooms = 2;
const senders = 4;
const outageMs = 30_000;

describe('a MongoDB outage (FerretDB stopped for 30 s while messages flow)', function () {
  this.timeout(300_000);
  let own: TestEnv;
  let platform: Platform;

  before(async () => {
    own = await startTestEnv({ servers: ['mongo'] }); // a FerretDB of this suite's own, to take away
    platform = await startTestPlatform('mongo-outage', {
      // Each try against the missing store fails after 2 s instead of the driver's 30 s, so
      // the 30 s outage spans many of a projection's tries (as minutes would with the default).
      mongoUrl: `${own.mongo!.url}?serverSelectionTimeoutMS=2000`,
    });
  });
  after(async () => {
    await platform?.stop();
    await own?.stop();
  });

  it('keeps every acknowledged message: history holds each once, at its sequence, in order', async () => {
    const { owner, people, roomIds } = await patientCrowd(platform.gateways[0]!.url, {
      people: senders,
      rooms,
      name: 'sender',
    });

    let sending = true;
    const { acknowledged, refused, done } = sendAround(
      people,
      roomIds,
      () => sending,
      () => sleep(20),
    );

    await eventually('messages to flow', async () => acknowledged.size >= 100, 60_000);
    const outage = await own.takeDown('mongo', 'stop');
    const sentBefore = acknowledged.size;
    await sleep(outageMs);
    await outage.back();
    const sentDuring = acknowledged.size - sentBefore;
    await eventually(
      'messages to flow again',
      async () => acknowledged.size >= sentBefore + sentDuring + 100,
      120_000,
    );
    sending = false;
    await done;

    let inHistory = 0;
    for (const room of roomIds) {
      const { stored, missing } = await historyHolding(owner, room, acknowledged, 120_000);
      expect(missing, `room ${room}: acknowledged, not in history`).to.deep.equal([]);
      inHistory += stored.filter((m) => acknowledged.has(m.text)).length;
      expect(new Set(stored.map((m) => m.text)).size, 'no message stored twice').to.equal(stored.length);
      for (const m of stored) {
        if (acknowledged.has(m.text)) expect(acknowledged.get(m.text)).to.deep.equal({ room, seq: m.seq });
        else expect(refused.has(m.text), `${m.text} was sent`).to.equal(true);
      }
      expect(stored.map((m) => m.seq)).to.deep.equal([...stored.map((m) => m.seq)].sort((x, y) => x - y));
      for (const { id } of people) {
        const mine = stored.filter((m) => m.author === id).map((m) => Number(m.text.split('#')[1]));
        expect(mine).to.deep.equal([...mine].sort((x, y) => x - y));
      }
    }
    expect(inHistory).to.equal(acknowledged.size);
    console.log(
      `      MongoDB down ${outageMs / 1000} s: ${acknowledged.size} messages acknowledged (${sentDuring} while it was down), ${inHistory} in history, ${refused.size} refused`,
    );
  });
});
