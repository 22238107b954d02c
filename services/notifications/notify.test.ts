import { expect } from 'chai';
import {
  candidatesFor,
  mayNotify,
  mentionsIn,
  notificationOf,
  notifyWithinMs,
  type NewMessage,
} from './notify.js';

const at = 1_700_000_000_000;
const message = (text: string, room = 'r_1'): NewMessage => ({ room, seq: 7, author: 'bob', text, at });
const group = { kind: 'group', name: 'Trips', members: ['ann', 'bob', 'cat'] };

describe('who is notified of a message', () => {
  it('finds each mention once, and only well-formed ones', () => {
    expect(mentionsIn('<@ann> and <@cat>, <@ann> again')).to.deep.equal(['ann', 'cat']);
    expect(mentionsIn('@ann <@> <@a b> <@$gt>')).to.deep.equal([]);
  });

  it('notifies mentioned members of a group room, never the author or outsiders', () => {
    expect(candidatesFor(message('<@ann> <@bob> <@eve>'), group)).to.deep.equal([
      { user: 'ann', kind: 'mention' },
    ]);
    expect(candidatesFor(message('no mentions'), group)).to.deep.equal([]);
  });

  it('notifies the other member of a direct conversation of every message', () => {
    const direct = { kind: 'direct', name: '', members: ['ann', 'bob'] };
    expect(candidatesFor(message('hi', 'd_x'), direct)).to.deep.equal([{ user: 'ann', kind: 'direct' }]);
  });

  it('looks up the room only for direct messages and mentions that are recent', () => {
    expect(mayNotify(message('hi'), at)).to.equal(false);
    expect(mayNotify(message('hi', 'd_x'), at)).to.equal(true);
    expect(mayNotify(message('<@ann>'), at + notifyWithinMs + 1)).to.equal(false);
  });

  it('keeps an excerpt short and on one line, with a stable id', () => {
    const n = notificationOf(message(`line one\n\nline two ${'x'.repeat(300)}`), group, {
      user: 'ann',
      kind: 'mention',
    });
    expect(n.id).to.equal('ann#r_1#7');
    expect(n.excerpt).to.have.length(140);
    expect(n.excerpt.startsWith('line one line two')).to.equal(true);
  });
});
