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

  it('keeps state and recent results in one string field, and reads them back unchanged', () => {
    const stored = toStoredSnapshot(snapshot);
    expect(Object.keys(stored).sort()).to.deep.equal(['_id', 'at', 'body', 'version']);
    expect(stored.body).to.be.a('string');
    expect(fromStoredSnapshot(stored)).to.deep.equal(snapshot);
  });

  it('reads snapshots stored before, with state and recent results as fields', () => {
    const { _id, version, at, state, recent } = snapshot;
    expect(fromStoredSnapshot({ _id, version, at, state, recent })).to.deep.equal(snapshot);
    expect(fromStoredSnapshot({ _id, version, at, state })).to.deep.equal({ ...snapshot, recent: [] });
  });
});
