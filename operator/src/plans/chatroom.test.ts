import { expect } from 'chai';
import { roomActor } from '../../../services/chat/room.js';
import { isRejection } from '../../../services/actors/types.js';
import { declaredEmails, planRoom, roomIdOf } from './chatroom.js';

describe('ChatRoom plan', () => {
  const spec = {
    platform: 'local',
    displayName: 'Lobby',
    owners: ['Ann@Example.com'],
    members: ['bob@example.com', 'ann@example.com', 'cat@example.com'],
  };
  const ids = { 'ann@example.com': 'u_ann', 'bob@example.com': 'u_bob' };

  it('gives each resource its own stable room id that the chat service accepts', () => {
    expect(roomIdOf('default', 'lobby')).to.equal(roomIdOf('default', 'lobby'));
    expect(roomIdOf('default', 'lobby')).to.not.equal(roomIdOf('other', 'lobby'));
    expect(roomIdOf('a', 'b.c')).to.match(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('lists each declared email once, lower-cased', () => {
    expect(declaredEmails(spec)).to.deep.equal(['ann@example.com', 'bob@example.com', 'cat@example.com']);
  });

  it('declares owners and members by user id, an owner never also as member, and reports who has no account', () => {
    const { command, pending } = planRoom(spec, ids);
    expect(command).to.deep.include({ owners: ['u_ann'], members: ['u_bob'], kind: 'group' });
    expect(pending).to.deep.equal(['cat@example.com']);
  });

  it('fills defaults and converts retention to seconds', () => {
    const { command } = planRoom({ ...spec, retention: { maxAgeDays: 2 } }, ids);
    expect(command.visibility).to.equal('private');
    expect(command.settings).to.deep.equal({
      maxMembers: 10_000,
      rateLimitPerMinute: 0,
      retention: { maxAgeSeconds: 172_800, maxMessages: 0 },
      moderation: { blockedWords: [], action: 'flag', moodModel: '' },
    });
  });

  it('carries rateLimit.messagesPerMinute into the settings the room enforces', () => {
    const { command } = planRoom({ ...spec, rateLimit: { messagesPerMinute: 30 } }, ids);
    const parsed = roomActor.parseCommand(command);
    expect(parsed).to.deep.include({ type: 'configure' });
    expect((parsed as { settings: { rateLimitPerMinute: number } }).settings.rateLimitPerMinute).to.equal(30);
  });

  it('makes a command the room actor accepts as it is', () => {
    const { command } = planRoom(
      { ...spec, kind: 'announcement', moderation: { blockedWords: ['spam'], action: 'reject' } },
      ids,
    );
    expect(isRejection(roomActor.parseCommand(command))).to.equal(false);
  });
});
