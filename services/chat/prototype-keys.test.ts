import { expect } from 'chai';
import { isRejection } from '../actors/types.js';
import { toMessage, watermarkOf } from './read-model.js';
import { decideRoom, evolveRoom, roomActor } from './room.js';
import { defaultRoomSettings, emptyRoom, type RoomEvent, type RoomState } from './room-model.js';
import { trackedMessage } from './tracked-messages.js';

// Every name Object.prototype has, in every place a user chooses a key: an
// emoji, a member id (as the one acting, the one acted on, a declared member).
const names = Object.getOwnPropertyNames(Object.prototype);
const at = 1_700_000_000_000;

/** Runs raw commands from an empty room; each must be accepted, and the state after it is returned. */
function run(commands: unknown[]): RoomState {
  let state = emptyRoom();
  for (const raw of commands) {
    const command = roomActor.parseCommand(raw);
    if (isRejection(command)) throw new Error(`${JSON.stringify(raw)}: ${command.message}`);
    const decided = decideRoom(state, command, at);
    if (isRejection(decided)) throw new Error(`${JSON.stringify(raw)}: ${decided.code}`);
    state = decided.reduce(evolveRoom, state);
  }
  // Through a snapshot and back, as the actor host stores it.
  return roomActor.fromSnapshot!(JSON.parse(JSON.stringify(state)));
}

describe('room keys chosen by users (Object.prototype names)', () => {
  it('has the names this suite is about', () => {
    expect(names).to.include.members(['constructor', '__proto__', 'toString', 'hasOwnProperty']);
  });

  for (const name of names) {
    it(`takes "${name}" as an emoji: added, counted once, removed`, () => {
      const base = [
        { type: 'create', by: 'ann', kind: 'group', name: 'Keys', members: [] },
        { type: 'send', by: 'ann', text: 'hi' },
      ];
      const react = { type: 'react', by: 'ann', seq: 3, emoji: name };
      const reacted = run([...base, react, react]);
      expect(Object.keys(trackedMessage(reacted.messages, 3)!.reactions)).to.deep.equal([name]);
      expect(Object.hasOwn(trackedMessage(reacted.messages, 3)!.reactions, name)).to.equal(true);
      const removed = run([...base, react, { ...react, on: false }]);
      expect(Object.keys(trackedMessage(removed.messages, 3)!.reactions)).to.deep.equal([]);
      // Not reacted yet: removing is nothing, adding is one event.
      expect(
        decideRoom(run(base), { type: 'react', by: 'ann', seq: 3, emoji: name, on: false }, at),
      ).to.deep.equal([]);
    });

    it(`takes "${name}" as a member id: invited, joined, muted, unmuted, removed, never mistaken for a member`, () => {
      const state = run([{ type: 'create', by: 'ann', kind: 'group', name: 'Keys', members: [] }]);
      expect(roomActor.query!(state, { type: 'membership', user: name })).to.deep.include({ member: false });
      expect(decideRoom(state, { type: 'send', by: name, text: 'in?' }, at)).to.deep.include({
        code: 'forbidden',
      });
      expect(decideRoom(state, { type: 'join', by: name }, at)).to.deep.include({ code: 'forbidden' });
      expect(decideRoom(state, { type: 'unmute', by: 'ann', user: name }, at)).to.deep.equal([]);
      const member = run([
        { type: 'create', by: 'ann', kind: 'group', name: 'Keys', members: [] },
        { type: 'invite', by: 'ann', user: name },
        { type: 'join', by: name },
        { type: 'send', by: name, text: 'here' },
        { type: 'mute', by: 'ann', user: name, minutes: 0 },
      ]);
      expect(Object.hasOwn(member.members, name)).to.equal(true);
      expect(decideRoom(member, { type: 'send', by: name, text: 'muted?' }, at)).to.deep.include({
        code: 'muted',
      });
      const gone = run([
        { type: 'create', by: 'ann', kind: 'group', name: 'Keys', members: [] },
        { type: 'invite', by: 'ann', user: name },
        { type: 'join', by: name },
        { type: 'mute', by: 'ann', user: name, minutes: 0 },
        { type: 'unmute', by: 'ann', user: name },
        { type: 'remove', by: 'ann', user: name },
      ]);
      expect(Object.keys(gone.members)).to.deep.equal(['ann']);
      expect(Object.keys(gone.muted)).to.deep.equal([]);
    });

    it(`takes "${name}" as the one acting and as a direct peer`, () => {
      const state = run([
        { type: 'create', by: name, kind: 'group', name: 'Keys', members: [] },
        { type: 'send', by: name, text: 'mine' },
        { type: 'edit', by: name, seq: 3, text: 'still mine' },
      ]);
      expect(roomActor.query!(state, { type: 'membership', user: name })).to.deep.include({ role: 'owner' });
      const direct = run([{ type: 'create', by: 'ann', kind: 'direct', peer: name }]);
      expect(Object.keys(direct.members)).to.have.members(['ann', name]);
    });

    it(`takes "${name}" as a declared owner and member`, () => {
      const declare = (owners: string[], members: string[]) => ({
        type: 'configure',
        name: 'Declared',
        kind: 'group',
        visibility: 'private',
        owners,
        members,
        settings: defaultRoomSettings(),
      });
      const state = run([declare([name], ['bob'])]);
      expect(state.declared).to.deep.equal({ [name]: 'owner', bob: 'member' });
      expect(Object.hasOwn(state.members, name)).to.equal(true);
      const again = roomActor.parseCommand(declare([name], ['bob']));
      expect(decideRoom(state, again as never, at)).to.deep.equal([]); // already so
      const without = run([declare([name], ['bob']), declare(['bob'], [])]);
      expect(Object.keys(without.members)).to.deep.equal(['bob']);
    });

    it(`reads "${name}" back from the read model as an emoji and an author`, () => {
      const message = toMessage({
        _id: 'r#3',
        room: 'r',
        seq: 3,
        author: 'ann',
        text: 'hi',
        at,
        deleted: false,
        reactions: [`${name} ann`, `${name} bob`, '👍 ann'],
      });
      expect(message.reactions).to.deep.equal({ [name]: ['ann', 'bob'], '👍': ['ann'] });
      expect(watermarkOf({ readSeq: 2, readN: 1 }, { authors: {} }, name)).to.deep.equal({
        readSeq: 2,
        readN: 1,
      });
    });
  }

  it('folds a stored event naming "__proto__" without touching any prototype', () => {
    const events: RoomEvent[] = [
      { type: 'RoomCreated', kind: 'group', name: 'Keys', visibility: 'public', by: 'ann', at },
      { type: 'MemberJoined', user: '__proto__', role: 'member', at },
    ];
    const state = events.reduce(evolveRoom, emptyRoom());
    expect(Object.getPrototypeOf(state.members)).to.equal(Object.prototype);
    expect(Object.keys(state.members)).to.deep.equal(['__proto__']);
  });
});
