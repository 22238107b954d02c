import { expect } from 'chai';
import { fromStoredSnapshot, toStoredSnapshot, type Snapshot } from './event-store.js';

describe('stored snapshots', () => {
  const snapshot: Snapshot = {
    _id: 'room/r1',
    version: 500,
    at: 1_700_000_000_000,
    state: { members: { u1: 'owner' }, messages: { '499': { author: 'u1', deleted: false, reactions: {} } } },
    recent: [{ commandId: 'c1', result: { status: 'accepted', version: 500, reply: { seq: 500 } } }],
  };

  it('keeps state and recent results in one deflated field, a fraction of their JSON, and reads them back unchanged', async () => {
    const tracked = Array.from({ length: 2000 }, (_, i) => [
      `${i}`,
      { author: `u_${i % 50}`, deleted: false, reactions: {} },
    ]);
    const big: Snapshot = { ...snapshot, state: { messages: Object.fromEntries(tracked) } };
    const stored = await toStoredSnapshot(big);
    expect(Object.keys(stored).sort()).to.deep.equal(['_id', 'at', 'packed', 'version']);
    expect(stored.packed!.buffer.length).to.be.below(JSON.stringify(big).length / 5);
    expect(await fromStoredSnapshot(stored)).to.deep.equal(big);
    expect(await fromStoredSnapshot(await toStoredSnapshot(snapshot))).to.deep.equal(snapshot);
  });

  it('reads snapshots stored before: one JSON string, or state and recent results as fields', async () => {
    const { _id, version, at, state, recent } = snapshot;
    expect(
      await fromStoredSnapshot({ _id, version, at, body: JSON.stringify({ state, recent }) }),
    ).to.deep.equal(snapshot);
    expect(await fromStoredSnapshot({ _id, version, at, state, recent })).to.deep.equal(snapshot);
    expect(await fromStoredSnapshot({ _id, version, at, state })).to.deep.equal({ ...snapshot, recent: [] });
  });
});
