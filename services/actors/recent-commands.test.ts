import { expect } from 'chai';
import { RecentCommands } from './recent-commands.js';

describe('recent command results', () => {
  it('keeps the newest results up to its limit, oldest out first', () => {
    const recent = new RecentCommands(3);
    for (const id of ['a', 'b', 'c', 'd']) recent.set(id, { status: 'accepted', version: id.charCodeAt(0) });
    expect(recent.get('a')).to.equal(undefined);
    expect(recent.get('d')).to.deep.equal({ status: 'accepted', version: 100 });
    expect(recent.newest(2).map((r) => r.commandId)).to.deep.equal(['c', 'd']);
  });

  it('moves a re-set result to the newest place', () => {
    const recent = new RecentCommands(2);
    recent.set('a', { status: 'accepted', version: 1 });
    recent.set('b', { status: 'accepted', version: 2 });
    recent.set('a', { status: 'accepted', version: 1 });
    recent.set('c', { status: 'accepted', version: 3 });
    expect(recent.get('b')).to.equal(undefined);
    expect(recent.get('a')).to.deep.equal({ status: 'accepted', version: 1 });
  });
});
