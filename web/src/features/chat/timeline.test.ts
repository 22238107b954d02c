import { addPending, applyEvent, confirmSent, failSend, fromHistory } from './timeline';

const sent = (seq: number, author: string, text: string) => ({
  seq,
  event: { type: 'MessageSent', author, text, at: 0 },
});

describe('a room timeline', () => {
  const history = fromHistory([
    { seq: 3, author: 'u_b', text: 'second', deleted: false },
    { seq: 2, author: 'u_a', text: 'first', deleted: false },
  ]);

  it('puts history oldest first and resumes after its last sequence', () => {
    expect(history.messages.map((m) => m.text)).toEqual(['first', 'second']);
    expect(history.lastSeq).toBe(3);
  });

  it('shows a message once when it comes by HTTP and again by WebSocket', () => {
    const again = applyEvent(history, sent(3, 'u_b', 'second'));
    expect(again.messages).toHaveLength(2);
  });

  it('shows my send once whether its answer or its live event comes first', () => {
    const pending = addPending(history, { clientId: 'c1', author: 'u_a', text: 'hi' });
    const answerFirst = applyEvent(confirmSent(pending, 'c1', 4), sent(4, 'u_a', 'hi'));
    const eventFirst = confirmSent(applyEvent(pending, sent(4, 'u_a', 'hi')), 'c1', 4);
    for (const t of [answerFirst, eventFirst]) {
      expect(t.messages.map((m) => [m.seq, m.text, m.status])).toEqual([
        [2, 'first', 'sent'],
        [3, 'second', 'sent'],
        [4, 'hi', 'sent'],
      ]);
    }
  });

  it('keeps sends in flight after the messages that arrive meanwhile', () => {
    const pending = addPending(history, { clientId: 'c1', author: 'u_a', text: 'mine' });
    const t = applyEvent(pending, sent(4, 'u_b', 'theirs'));
    expect(t.messages.map((m) => m.text)).toEqual(['first', 'second', 'theirs', 'mine']);
  });

  it('marks a failed send for retry and applies edits and deletes', () => {
    const failed = failSend(addPending(history, { clientId: 'c1', author: 'u_a', text: 'x' }), 'c1');
    expect(failed.messages.at(-1)?.status).toBe('failed');
    const edited = applyEvent(history, {
      seq: 4,
      event: { type: 'MessageEdited', target: 2, text: 'first!' },
    });
    const deleted = applyEvent(edited, { seq: 5, event: { type: 'MessageDeleted', target: 3 } });
    expect(deleted.messages.map((m) => [m.text, m.deleted])).toEqual([
      ['first!', false],
      ['', true],
    ]);
    expect(deleted.lastSeq).toBe(5);
  });
});
