import { expect } from 'chai';
import { ActorCell, type Incoming } from './actor-cell.js';
import type { EventStore, StoredEvent } from './event-store.js';
import { counterType } from './testdata/counter.js';

// The cell's decide step is pure: given state and a batch, it returns outcomes
// and events without touching the store. A stand-in store only feeds `load`.
function storeWith(events: StoredEvent[], snapshot: unknown = null): EventStore {
  return {
    loadSnapshot: async () => snapshot,
    readStream: async (_stream: string, after = 0) => events.filter((e) => e.version > after),
  } as unknown as EventStore;
}

const incoming = (commandId: string, command: unknown): Incoming => ({
  commandId,
  command,
  at: 1_700_000_000_000,
});
const badEvents: string[] = [];
const deps = (store: EventStore) => ({
  type: counterType(),
  store,
  partition: 3,
  recentLimit: 100,
  onBadEvent: (e: StoredEvent) => badEvents.push(e._id),
});

describe('actor cell (decide a batch)', () => {
  it('given no events, when adds arrive, then events follow versions in order and replies carry totals', async () => {
    const cell = await ActorCell.load('c1', deps(storeWith([])));
    const decision = cell.decide([
      incoming('a', { type: 'add', amount: 2 }),
      incoming('b', { type: 'add', amount: 5 }),
    ]);
    expect(decision.events.map((e) => [e._id, e.version, e.type, e.commandId, e.partition])).to.deep.equal([
      ['counter/c1#1', 1, 'Added', 'a', 3],
      ['counter/c1#2', 2, 'Added', 'b', 3],
    ]);
    expect(decision.outcomes.map((o) => o.result)).to.deep.equal([
      { status: 'accepted', version: 1, reply: { total: 2 } },
      { status: 'accepted', version: 2, reply: { total: 7 } },
    ]);
    expect(cell.version).to.equal(0); // nothing adopted until commit
    cell.commit(decision);
    expect(cell.state).to.deep.equal({ total: 7, adds: 2, closed: false });
  });

  it('answers a repeated command id with its first result and no new event', async () => {
    const cell = await ActorCell.load('c1', deps(storeWith([])));
    const first = cell.decide([
      incoming('a', { type: 'add', amount: 2 }),
      incoming('a', { type: 'add', amount: 2 }),
    ]);
    expect(first.events).to.have.length(1);
    expect(first.outcomes[1]).to.deep.include({ duplicate: true });
    cell.commit(first);
    const again = cell.decide([incoming('a', { type: 'add', amount: 9 })]);
    expect(again.events).to.have.length(0);
    expect(again.outcomes[0]!.result).to.deep.equal({ status: 'accepted', version: 1, reply: { total: 2 } });
  });

  it('turns invalid commands and refusals into typed rejections and parks a decider that throws', async () => {
    const cell = await ActorCell.load('c1', deps(storeWith([])));
    const decision = cell.decide([
      incoming('x', { type: 'add', amount: -1 }),
      incoming('y', 'not an object'),
      incoming('z', { type: 'explode' }),
      incoming('w', { type: 'close' }),
      incoming('v', { type: 'add', amount: 1 }),
    ]);
    expect(
      decision.outcomes.map((o) => [
        o.incoming.commandId,
        o.result.status,
        'code' in o.result ? o.result.code : o.result.version,
      ]),
    ).to.deep.equal([
      ['x', 'rejected', 'invalid_command'],
      ['y', 'rejected', 'invalid_command'],
      ['w', 'accepted', 1],
      ['v', 'rejected', 'closed'],
    ]);
    expect(decision.poison.map((p) => p.commandId)).to.deep.equal(['z']);
    expect(decision.events.map((e) => e.type)).to.deep.equal(['Closed']);
  });

  it('rebuilds from snapshot + tail the same state and command results as a full replay', async () => {
    const cell = await ActorCell.load('c1', deps(storeWith([])));
    const decision = cell.decide([1, 2, 3, 4, 5].map((n) => incoming(`k${n}`, { type: 'add', amount: n })));
    const events = decision.events;
    const full = await ActorCell.load('c1', deps(storeWith(events)));
    const snapshot = {
      _id: 'counter/c1',
      version: 3,
      state: { total: 6, adds: 3, closed: false },
      recent: [{ commandId: 'k1', result: { status: 'accepted', version: 1, reply: { total: 1 } } }],
    };
    const fromSnapshot = await ActorCell.load('c1', deps(storeWith(events, snapshot)));
    expect(fromSnapshot.state)
      .to.deep.equal(full.state)
      .and.deep.equal({ total: 15, adds: 5, closed: false });
    expect(fromSnapshot.version).to.equal(full.version).and.equal(5);
    expect(fromSnapshot.recent.get('k5')).to.deep.equal(full.recent.get('k5'));
    expect(fromSnapshot.recent.get('k1')).to.deep.equal({
      status: 'accepted',
      version: 1,
      reply: { total: 1 },
    });
  });

  it('skips and reports a stored event that does not parse, keeping its version', async () => {
    badEvents.length = 0;
    const good = (await ActorCell.load('c1', deps(storeWith([])))).decide([
      incoming('a', { type: 'add', amount: 4 }),
    ]).events[0]!;
    const broken = {
      ...good,
      _id: 'counter/c1#2',
      version: 2,
      data: { type: 'Added', amount: 'lots' },
    } as unknown as StoredEvent;
    const cell = await ActorCell.load('c1', deps(storeWith([good, broken])));
    expect(cell.state).to.deep.equal({ total: 4, adds: 1, closed: false });
    expect(cell.version).to.equal(2);
    expect(badEvents).to.deep.equal(['counter/c1#2']);
  });
});
