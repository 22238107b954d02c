import { expect } from 'chai';
import { asHistoryShows, messageSeqsOf, type CurrentMessage } from './served-events.js';

const at = 1_700_000_000_000;
const sent = (seq: number, text: string) => ({ seq, data: { type: 'MessageSent', author: 'bob', text, at } });
const edited = (seq: number, target: number, text: string, when = at + seq) => ({
  seq,
  data: { type: 'MessageEdited', target, text, by: 'bob', at: when },
});
const deleted = (seq: number, target: number) => ({
  seq,
  data: { type: 'MessageDeleted', target, by: 'bob', at: at + seq },
});
const texts = (events: Record<string, unknown>[]) => events.map((e) => [e.type, e.text, e.deleted]);

describe('room events as served to clients', () => {
  it('names the messages to look up: sent, edited and deleted ones', () => {
    expect(
      messageSeqsOf([
        sent(4, 'a'),
        edited(5, 4, 'b'),
        deleted(6, 2),
        { seq: 7, data: { type: 'MemberLeft' } },
      ]),
    ).to.have.members([4, 2]);
  });

  it('shows no text of a deleted message, in its MessageSent or any edit', () => {
    const history = new Map<number, CurrentMessage>([[4, { text: '', deleted: true }]]);
    expect(texts(asHistoryShows([sent(4, 'secret'), edited(5, 4, 'still secret')], history))).to.deep.equal([
      ['MessageSent', '', true],
      ['MessageEdited', '', true],
    ]);
  });

  it('shows an edited message’s current text in place of every earlier one, with its moderation', () => {
    const hidden = { action: 'hidden' as const, reason: 'blocked word: spam' };
    const history = new Map<number, CurrentMessage>([
      [4, { text: 'spam now', deleted: false, editedAt: at + 6, moderation: hidden }],
    ]);
    const shown = asHistoryShows(
      [
        sent(4, 'first'),
        edited(5, 4, 'second'),
        { seq: 6, data: { ...edited(6, 4, 'spam now').data, moderation: hidden } },
      ],
      history,
    );
    expect(texts(shown)).to.deep.equal([
      ['MessageSent', 'spam now', undefined],
      ['MessageEdited', 'spam now', undefined],
      ['MessageEdited', 'spam now', undefined],
    ]);
    expect(shown.map((e) => e.moderation)).to.deep.equal([hidden, hidden, hidden]);
  });

  it('never serves an edit older text than its own when history lags behind it', () => {
    const history = new Map<number, CurrentMessage>([
      [4, { text: 'second', deleted: false, editedAt: at + 5 }],
    ]);
    const shown = asHistoryShows([sent(4, 'first'), edited(5, 4, 'second'), edited(6, 4, 'third')], history);
    expect(texts(shown)).to.deep.equal([
      ['MessageSent', 'second', undefined],
      ['MessageEdited', 'second', undefined],
      ['MessageEdited', 'third', undefined],
    ]);
  });

  it('folds the page itself for messages history has no row of yet', () => {
    const shown = asHistoryShows(
      [sent(4, 'first'), edited(5, 4, 'second'), sent(6, 'gone'), deleted(7, 6), sent(8, 'new')],
      new Map(),
    );
    expect(texts(shown)).to.deep.equal([
      ['MessageSent', 'second', undefined],
      ['MessageEdited', 'second', undefined],
      ['MessageSent', '', true],
      ['MessageDeleted', undefined, undefined],
      ['MessageSent', 'new', undefined],
    ]);
  });

  it('leaves every other event as it is', () => {
    const other = { seq: 3, data: { type: 'ReactionAdded', target: 2, emoji: '👍', by: 'ann', at } };
    expect(asHistoryShows([other], new Map())).to.deep.equal([other.data]);
  });
});
