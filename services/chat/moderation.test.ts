import { expect } from 'chai';
import { isRejection } from '../actors/types.js';
import { blockedWordsIn, visibleTo } from './moderation.js';
import { decideRoom, evolveRoom } from './room.js';
import { defaultRoomSettings, emptyRoom, type RoomEvent, type RoomSettings } from './room-model.js';

const at = 1_700_000_000_000;

function roomWith(action: RoomSettings['moderation']['action']) {
  const settings = defaultRoomSettings();
  settings.moderation = { blockedWords: ['spam', 'buy now'], action, moodModel: '' };
  const events: RoomEvent[] = [
    { type: 'RoomCreated', kind: 'group', name: 'Moderated', visibility: 'public', by: 'operator', at },
    {
      type: 'RoomConfigured',
      kind: 'group',
      name: 'Moderated',
      visibility: 'public',
      settings,
      declared: {},
      at,
    },
    { type: 'MemberJoined', user: 'ann', role: 'owner', at },
    { type: 'MemberJoined', user: 'bob', role: 'member', at },
  ];
  return events.reduce(evolveRoom, emptyRoom());
}

describe('room moderation', () => {
  it('finds blocked words and phrases as whole words, ignoring case', () => {
    expect(blockedWordsIn('SPAM! Buy Now.', ['spam', 'buy now'])).to.deep.equal(['spam', 'buy now']);
    expect(blockedWordsIn('a spammer and a buyer now', ['spam', 'buy now'])).to.deep.equal([]);
    expect(blockedWordsIn('what (.*) is this', ['(.*)'])).to.deep.equal(['(.*)']); // literal, not a pattern
  });

  it('rejects, hides or flags a message with a blocked word, as the room says, with the reason', () => {
    const send = { type: 'send' as const, by: 'bob', text: 'cheap spam here' };
    const rejected = decideRoom(roomWith('reject'), send, at);
    expect(isRejection(rejected) && rejected.code).to.equal('message_blocked');
    expect(decideRoom(roomWith('hide'), send, at)).to.deep.equal([
      {
        type: 'MessageSent',
        author: 'bob',
        text: 'cheap spam here',
        at,
        n: 1,
        moderation: { action: 'hidden', reason: 'blocked word: spam' },
      },
    ]);
    expect(decideRoom(roomWith('flag'), send, at)).to.deep.include({
      type: 'MessageSent',
      author: 'bob',
      text: 'cheap spam here',
      at,
      n: 1,
      moderation: { action: 'flagged', reason: 'blocked word: spam' },
    });
    expect(decideRoom(roomWith('reject'), { type: 'send', by: 'bob', text: 'hello' }, at)).to.deep.equal([
      { type: 'MessageSent', author: 'bob', text: 'hello', at, n: 1 },
    ]);
  });

  it('shows a hidden message only to its author', () => {
    const hidden = {
      type: 'MessageSent',
      author: 'bob',
      text: 'spam',
      moderation: { action: 'hidden' as const, reason: 'x' },
    };
    expect(visibleTo('bob', hidden).text).to.equal('spam');
    expect(visibleTo('ann', hidden).text).to.equal('');
    const flagged = { ...hidden, moderation: { action: 'flagged' as const, reason: 'x' } };
    expect(visibleTo('ann', flagged).text).to.equal('spam');
  });
});
