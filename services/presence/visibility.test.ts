import { expect } from 'chai';
import { answerPresence, roomMates, visiblePeople } from './visibility.js';

describe('presence: who may see whom', () => {
  const roomsOf = { ann: ['r1', 'r2'], bob: ['r1'], carol: ['r3'], dan: ['r2'], gone: [] };
  const blocks: Record<string, string[]> = { dan: ['ann'] };
  const blockedBy = (user: string) => new Set(blocks[user] ?? []);

  it('shows oneself and room-mates who did not block the caller; nobody else', () => {
    const asked = ['ann', 'bob', 'carol', 'dan', 'gone', 'u_nobody'];
    expect([...visiblePeople('ann', asked, roomsOf, blockedBy)]).to.deep.equal(['ann', 'bob']);
    expect(roomMates('ann', asked, roomsOf)).to.deep.equal(['bob', 'dan']);
  });

  it('answers in the order asked, unknown for everyone not visible, with no last seen', () => {
    const known = [
      { user: 'bob', status: 'online' as const, lastSeen: 5 },
      { user: 'ann', status: 'away' as const, lastSeen: 7 },
    ];
    expect(answerPresence(['carol', 'bob', 'ann'], new Set(['ann', 'bob']), known)).to.deep.equal([
      { user: 'carol', status: 'unknown' },
      { user: 'bob', status: 'online', lastSeen: 5 },
      { user: 'ann', status: 'away', lastSeen: 7 },
    ]);
  });
});
