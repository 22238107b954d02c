import { expect } from 'chai';
import { isRejection } from '../actors/types.js';
import { roomActor, decideRoom, evolveRoom } from './room.js';
import { defaultRoomSettings, emptyRoom, roomLimits, type RoomEvent, type RoomState } from './room-model.js';
import { sendDigest } from './send-digest.js';
import { trackedMessage } from './tracked-messages.js';

const at = 1_700_000_000_000;

/** Given these events, when this (raw, untrusted) command: the events, or the rejection code. */
function when(given: RoomEvent[], raw: unknown): RoomEvent[] | string {
  const state = given.reduce(evolveRoom, emptyRoom());
  const command = roomActor.parseCommand(raw);
  if (isRejection(command)) return command.code;
  const decided = decideRoom(state, command, at);
  return isRejection(decided) ? decided.code : decided;
}

const fold = (events: RoomEvent[]): RoomState => events.reduce(evolveRoom, emptyRoom());
const created: RoomEvent[] = [
  { type: 'RoomCreated', kind: 'group', name: 'Diary club', visibility: 'private', by: 'ann', at },
  { type: 'MemberJoined', user: 'ann', role: 'owner', at, n: 0 },
  { type: 'MemberJoined', user: 'bob', role: 'member', at, n: 0 },
];
const withMessage: RoomEvent[] = [...created, { type: 'MessageSent', author: 'bob', text: 'hi', at }]; // seq 4

describe('room rules', () => {
  describe('creating', () => {
    it('creates a group room with its creator as owner and invites the listed members', () => {
      expect(
        when([], { type: 'create', by: 'ann', kind: 'group', name: ' Diary club ', members: ['bob', 'ann'] }),
      ).to.deep.equal([...created.slice(0, 2), { type: 'MemberInvited', user: 'bob', by: 'ann', at }]);
    });

    it('creates a direct conversation of exactly the two users', () => {
      expect(when([], { type: 'create', by: 'ann', kind: 'direct', peer: 'bob' })).to.deep.equal([
        { type: 'RoomCreated', kind: 'direct', name: '', visibility: 'private', by: 'ann', at },
        { type: 'MemberJoined', user: 'ann', role: 'member', at, n: 0 },
        { type: 'MemberJoined', user: 'bob', role: 'member', at, n: 0 },
      ]);
      expect(when([], { type: 'create', by: 'ann', kind: 'direct', peer: 'ann' })).to.equal(
        'validation_failed',
      );
    });

    it('refuses to create a room twice and to act in a room that does not exist', () => {
      expect(when(created, { type: 'create', by: 'x', kind: 'group', name: 'again' })).to.equal(
        'room_exists',
      );
      expect(when([], { type: 'send', by: 'ann', text: 'hello?' })).to.equal('room_not_found');
    });
  });

  describe('membership', () => {
    it('lets the invited join a private room, and nobody else', () => {
      expect(when(created, { type: 'join', by: 'cat' })).to.equal('forbidden');
      const invited: RoomEvent[] = [...created, { type: 'MemberInvited', user: 'cat', by: 'bob', at }];
      expect(when(invited, { type: 'join', by: 'cat' })).to.deep.equal([
        { type: 'MemberJoined', user: 'cat', role: 'member', at, n: 0 },
      ]);
      expect(
        fold([...invited, { type: 'MemberJoined', user: 'cat', role: 'member', at }]).invited,
      ).to.deep.equal({});
    });

    it('lets the invited decline: the invitation is gone, and a private room stays closed to them', () => {
      const invited: RoomEvent[] = [...created, { type: 'MemberInvited', user: 'cat', by: 'bob', at }];
      expect(when(invited, { type: 'decline', by: 'cat' })).to.deep.equal([
        { type: 'InvitationDeclined', user: 'cat', at },
      ]);
      const declined: RoomEvent[] = [...invited, { type: 'InvitationDeclined', user: 'cat', at }];
      expect(fold(declined).invited).to.deep.equal({});
      expect(when(declined, { type: 'join', by: 'cat' })).to.equal('forbidden');
      expect(when(declined, { type: 'decline', by: 'cat' })).to.equal('invitation_not_found');
      expect(when(created, { type: 'decline', by: 'bob' })).to.equal('invitation_not_found');
    });

    it('lets anyone join a public room once', () => {
      const open = [{ ...created[0]!, visibility: 'public' } as RoomEvent, ...created.slice(1)];
      expect(when(open, { type: 'join', by: 'dan' })).to.deep.equal([
        { type: 'MemberJoined', user: 'dan', role: 'member', at, n: 0 },
      ]);
      expect(when(open, { type: 'join', by: 'bob' })).to.equal('already_member');
    });

    it('keeps a direct conversation closed to third parties', () => {
      const dm = when([], { type: 'create', by: 'ann', kind: 'direct', peer: 'bob' }) as RoomEvent[];
      expect(when(dm, { type: 'invite', by: 'ann', user: 'cat' })).to.equal('forbidden');
      expect(when(dm, { type: 'join', by: 'cat' })).to.equal('forbidden');
    });

    it('lets only owners remove, never an owner', () => {
      expect(when(created, { type: 'remove', by: 'bob', user: 'ann' })).to.equal('forbidden');
      expect(when(created, { type: 'remove', by: 'ann', user: 'bob' })).to.deep.equal([
        { type: 'MemberRemoved', user: 'bob', by: 'ann', at },
      ]);
      expect(when(created, { type: 'remove', by: 'ann', user: 'zed' })).to.equal('not_member');
    });

    it('keeps the last owner from leaving others behind', () => {
      expect(when(created, { type: 'leave', by: 'ann' })).to.equal('last_owner');
      expect(when(created, { type: 'leave', by: 'bob' })).to.deep.equal([
        { type: 'MemberLeft', user: 'bob', at },
      ]);
      expect(
        when([...created, { type: 'MemberLeft', user: 'bob', at }], { type: 'leave', by: 'ann' }),
      ).to.deep.equal([{ type: 'MemberLeft', user: 'ann', at }]);
    });
  });

  describe('messages', () => {
    it('lets members post and refuses everyone else', () => {
      expect(when(created, { type: 'send', by: 'bob', text: 'hello' })).to.deep.equal([
        { type: 'MessageSent', author: 'bob', text: 'hello', at, n: 1 },
      ]);
      expect(when(created, { type: 'send', by: 'eve', text: 'spam' })).to.equal('forbidden');
    });

    it('numbers every event with a gap-free sequence that messages carry', () => {
      const state = fold(withMessage);
      expect(state.nextSeq).to.equal(5);
      expect(trackedMessage(state.messages, 4)).to.deep.equal({
        author: 'bob',
        deleted: false,
        reactions: {},
      });
      expect(roomActor.reply!(state, [])).to.deep.equal({ seq: 4 });
      // A send's answer carries its text's digest, so a reused client id with another text is told apart.
      expect(roomActor.reply!(state, [withMessage[3]!])).to.deep.equal({
        seq: 4,
        digest: sendDigest(' hi '),
      });
      expect(sendDigest('hi')).to.not.equal(sendDigest('hi!'));
    });

    it('lets authors edit their own messages only', () => {
      expect(when(withMessage, { type: 'edit', by: 'bob', seq: 4, text: 'hi all' })).to.deep.equal([
        { type: 'MessageEdited', target: 4, text: 'hi all', by: 'bob', at },
      ]);
      expect(when(withMessage, { type: 'edit', by: 'ann', seq: 4, text: 'nope' })).to.equal('forbidden');
      expect(when(withMessage, { type: 'edit', by: 'bob', seq: 3, text: 'not a message' })).to.equal(
        'message_not_found',
      );
    });

    it('lets authors and owners delete, once', () => {
      expect(when(withMessage, { type: 'delete', by: 'ann', seq: 4 })).to.deep.equal([
        { type: 'MessageDeleted', target: 4, by: 'ann', at },
      ]);
      const deleted: RoomEvent[] = [...withMessage, { type: 'MessageDeleted', target: 4, by: 'bob', at }];
      expect(when(deleted, { type: 'delete', by: 'bob', seq: 4 })).to.equal('message_not_found');
      expect(when(deleted, { type: 'edit', by: 'bob', seq: 4, text: 'back' })).to.equal('message_not_found');
    });

    it('adds and removes reactions idempotently', () => {
      const add = when(withMessage, { type: 'react', by: 'ann', seq: 4, emoji: '👍' });
      expect(add).to.deep.equal([{ type: 'ReactionAdded', target: 4, emoji: '👍', by: 'ann', at }]);
      const reacted = [...withMessage, ...(add as RoomEvent[])];
      expect(trackedMessage(fold(reacted).messages, 4)!.reactions).to.deep.equal({ '👍': ['ann'] });
      expect(when(reacted, { type: 'react', by: 'ann', seq: 4, emoji: '👍' })).to.deep.equal([]);
      const removed = when(reacted, {
        type: 'react',
        by: 'ann',
        seq: 4,
        emoji: '👍',
        on: false,
      }) as RoomEvent[];
      expect(trackedMessage(fold([...reacted, ...removed]).messages, 4)!.reactions).to.deep.equal({});
    });

    it('keeps only the newest messages changeable', () => {
      let state = fold(created);
      for (let i = 0; i < roomLimits.trackedMessages + 5; i++) {
        state = evolveRoom(state, { type: 'MessageSent', author: 'bob', text: `m${i}`, at });
      }
      expect(state.messages.seqs).to.have.length(roomLimits.trackedMessages);
      expect(trackedMessage(state.messages, 4)).to.equal(undefined);
      expect(trackedMessage(state.messages, state.nextSeq - 1)).to.deep.include({ author: 'bob' });
      expect(state.messageCount).to.equal(roomLimits.trackedMessages + 5);
    });
  });

  describe('declared rooms (the operator)', () => {
    const declaration = {
      type: 'configure',
      name: 'Lobby',
      kind: 'group',
      visibility: 'public',
      owners: ['ann'],
      members: ['bob'],
      settings: defaultRoomSettings(),
    };
    const applied = (given: RoomEvent[], raw: unknown): RoomEvent[] => {
      const events = when(given, raw);
      if (typeof events === 'string') throw new Error(`rejected: ${events}`);
      return [...given, ...events];
    };

    it('creates the room with its declared owners and members', () => {
      const events = when([], declaration);
      expect(events).to.deep.include({ type: 'MemberJoined', user: 'ann', role: 'owner', at, n: 0 });
      expect(events).to.deep.include({ type: 'MemberJoined', user: 'bob', role: 'member', at, n: 0 });
      const state = fold(events as RoomEvent[]);
      expect(state).to.deep.include({ created: true, name: 'Lobby', visibility: 'public' });
      expect(state.declared).to.deep.equal({ ann: 'owner', bob: 'member' });
    });

    it('changes nothing when the room already matches', () => {
      expect(when(applied([], declaration), declaration)).to.deep.equal([]);
    });

    it('removes members the declaration dropped, but not those who joined by themselves', () => {
      const joined = applied(applied([], declaration), { type: 'join', by: 'cat' });
      const events = when(joined, { ...declaration, members: [] });
      expect(events).to.deep.include({ type: 'MemberRemoved', user: 'bob', by: 'operator', at });
      const state = fold(applied(joined, { ...declaration, members: [] }));
      expect(Object.keys(state.members).sort()).to.deep.equal(['ann', 'cat']);
      expect(
        when(applied(joined, { ...declaration, members: [] }), { type: 'send', by: 'bob', text: 'hi' }),
      ).to.equal('forbidden');
    });

    it('changes a member into an owner', () => {
      const events = when(applied([], declaration), { ...declaration, owners: ['ann', 'bob'], members: [] });
      expect(events).to.deep.include({ type: 'MemberJoined', user: 'bob', role: 'owner', at, n: 0 });
    });

    it('lets only owners post, edit and react in an announcement room', () => {
      const room = applied([], { ...declaration, kind: 'announcement' });
      expect(when(room, { type: 'send', by: 'bob', text: 'hi' })).to.equal('forbidden');
      expect(when(room, { type: 'send', by: 'ann', text: 'news' })).to.have.length(1);
      // bob wrote while the room was a group room; it became an announcement room since.
      const grouped = applied(applied([], declaration), { type: 'send', by: 'bob', text: 'mine' });
      const seq = fold(grouped).nextSeq - 1;
      const announced = applied(grouped, { ...declaration, kind: 'announcement' });
      expect(when(announced, { type: 'edit', by: 'bob', seq, text: 'still mine?' })).to.equal('forbidden');
      expect(when(announced, { type: 'react', by: 'bob', seq, emoji: '👍' })).to.equal('forbidden');
      expect(when(announced, { type: 'react', by: 'ann', seq, emoji: '👍' })).to.have.length(1);
      expect(when(announced, { type: 'delete', by: 'bob', seq })).to.have.length(1);
    });

    it('takes at most rateLimitPerMinute messages from each member in any minute', () => {
      const settings = { ...defaultRoomSettings(), rateLimitPerMinute: 3 };
      let room = applied([], { ...declaration, settings });
      const sendAt = (events: RoomEvent[], by: string, t: number) => {
        const command = roomActor.parseCommand({ type: 'send', by, text: 'hi' });
        const decided = decideRoom(fold(events), command as never, t);
        return isRejection(decided) ? decided : [...events, ...decided];
      };
      for (const t of [at, at + 1_000, at + 2_000]) room = sendAt(room, 'bob', t) as RoomEvent[];
      expect(sendAt(room, 'bob', at + 3_000)).to.deep.include({
        code: 'rate_limited',
        details: { retryAfterSeconds: 57, limit: 3 },
      });
      expect(sendAt(room, 'ann', at + 3_000)).to.be.an('array'); // per member
      // The window slides: a minute after the first send, one more fits, and only one.
      const later = sendAt(room, 'bob', at + 60_001) as RoomEvent[];
      expect(later).to.be.an('array');
      expect(sendAt(later, 'bob', at + 60_002)).to.deep.include({ code: 'rate_limited' });
      expect(fold(later).recentSends).to.deep.equal({ bob: [at + 1_000, at + 2_000, at + 60_001] });
      // Without a limit nothing is kept or counted.
      const free = applied([], declaration);
      expect(fold(applied(free, { type: 'send', by: 'bob', text: 'hi' })).recentSends).to.deep.equal({});
    });

    it('keeps joins within maxMembers', () => {
      const settings = { ...defaultRoomSettings(), maxMembers: 2 };
      const room = applied([], { ...declaration, settings });
      expect(when(room, { type: 'join', by: 'cat' })).to.equal('room_full');
      expect(when([], { ...declaration, members: ['bob', 'cat'], settings })).to.equal('room_full');
    });

    it('refuses to declare a direct conversation', () => {
      const direct = when([], { type: 'create', by: 'ann', kind: 'direct', peer: 'bob' }) as RoomEvent[];
      expect(when(direct, declaration)).to.equal('forbidden');
    });

    it('closes a room: it is gone, and a room made again continues the sequence', () => {
      const room = applied(applied([], declaration), { type: 'send', by: 'bob', text: 'hi' });
      const closed = applied(room, { type: 'close' });
      expect(when(closed, { type: 'send', by: 'bob', text: 'hi' })).to.equal('room_not_found');
      expect(when(closed, { type: 'close' })).to.deep.equal([]);
      expect(roomActor.query!(fold(closed), { type: 'summary' })).to.equal(null);
      const again = fold(applied(closed, declaration));
      expect(again.nextSeq).to.be.greaterThan(fold(closed).nextSeq);
      expect(again.messageCount).to.equal(0);
    });

    it('refuses malformed declarations', () => {
      expect(when([], { ...declaration, kind: 'direct' })).to.equal('validation_failed');
      expect(when([], { ...declaration, owners: [{ $gt: '' }] })).to.equal('validation_failed');
      expect(when([], { ...declaration, settings: { ...defaultRoomSettings(), extra: 1 } })).to.equal(
        'validation_failed',
      );
      expect(when([], { type: 'close', by: 'ann' })).to.equal('validation_failed');
    });

    it('reads snapshots whose tracked messages were written as an object keyed by sequence', () => {
      const state = fold([...created, { type: 'MessageSent', author: 'bob', text: 'hi', at }]);
      const byKey = { [state.nextSeq - 1]: trackedMessage(state.messages, state.nextSeq - 1) };
      const old = JSON.parse(JSON.stringify({ ...state, messages: byKey })) as unknown;
      expect(roomActor.fromSnapshot!(old)).to.deep.equal(state);
    });

    it('reads snapshots written before settings existed', () => {
      const old = { ...emptyRoom(), settings: undefined, declared: undefined };
      expect(roomActor.fromSnapshot!(JSON.parse(JSON.stringify(old)))).to.deep.equal(emptyRoom());
    });
  });

  describe('unread counts and muting', () => {
    it('numbers messages and tells a joiner how many came before them', () => {
      const state = fold([...withMessage, { type: 'MemberInvited', user: 'cat', by: 'bob', at }]);
      expect(decideRoom(state, { type: 'send', by: 'ann', text: 'two' }, at)).to.deep.include({
        type: 'MessageSent',
        author: 'ann',
        text: 'two',
        at,
        n: 2,
      });
      expect(decideRoom(state, { type: 'join', by: 'cat' }, at)).to.deep.equal([
        { type: 'MemberJoined', user: 'cat', role: 'member', at, n: 1 },
      ]);
    });

    it('lets an owner mute a member for a while or until unmuted, with a reason', () => {
      expect(
        when(created, { type: 'mute', by: 'ann', user: 'bob', minutes: 5, reason: 'calm' }),
      ).to.deep.equal([
        { type: 'MemberMuted', user: 'bob', by: 'ann', until: at + 5 * 60_000, reason: 'calm', at },
      ]);
      expect(when(created, { type: 'mute', by: 'bob', user: 'ann' })).to.equal('forbidden');
      expect(when(created, { type: 'mute', by: 'ann', user: 'eve' })).to.equal('not_member');
      expect(when(created, { type: 'mute', by: 'ann', user: 'bob', minutes: -1 })).to.equal(
        'validation_failed',
      );
      const muted: RoomEvent[] = [
        ...created,
        { type: 'MemberMuted', user: 'bob', by: 'ann', until: 0, reason: 'muted by an owner', at },
      ];
      expect(when(muted, { type: 'send', by: 'bob', text: 'hi' })).to.equal('muted');
      const unmuted: RoomEvent[] = [...muted, { type: 'MemberUnmuted', user: 'bob', by: 'ann', at }];
      expect(when(unmuted, { type: 'send', by: 'bob', text: 'hi' })).to.be.an('array');
      expect(when(unmuted, { type: 'unmute', by: 'ann', user: 'bob' })).to.deep.equal([]);
    });

    it('keeps a muted member from editing and reacting too; taking a reaction back and deleting stay open', () => {
      const reacted: RoomEvent[] = [
        ...withMessage,
        { type: 'ReactionAdded', target: 4, emoji: '👍', by: 'bob', at },
        { type: 'MemberMuted', user: 'bob', by: 'ann', until: 0, reason: 'calm', at },
      ];
      expect(when(reacted, { type: 'edit', by: 'bob', seq: 4, text: 'sneaky' })).to.equal('muted');
      expect(when(reacted, { type: 'react', by: 'bob', seq: 4, emoji: '🔥' })).to.equal('muted');
      expect(when(reacted, { type: 'react', by: 'bob', seq: 4, emoji: '👍', on: false })).to.deep.equal([
        { type: 'ReactionRemoved', target: 4, emoji: '👍', by: 'bob', at },
      ]);
      expect(when(reacted, { type: 'delete', by: 'bob', seq: 4 })).to.deep.equal([
        { type: 'MessageDeleted', target: 4, by: 'bob', at },
      ]);
    });

    it('lets a timed mute run out', () => {
      const expired: RoomEvent[] = [
        ...created,
        { type: 'MemberMuted', user: 'bob', by: 'ann', until: at - 1, reason: 'r', at: at - 60_000 },
      ];
      expect(when(expired, { type: 'send', by: 'bob', text: 'back' })).to.be.an('array');
    });

    it('flags a very negative message once when the room has a mood rule', () => {
      const ruled: RoomEvent[] = [
        ...withMessage,
        {
          type: 'RoomConfigured',
          kind: 'group',
          name: 'Diary club',
          visibility: 'private',
          settings: {
            ...defaultRoomSettings(),
            moderation: { blockedWords: [], action: 'flag', moodModel: 'm' },
          },
          declared: {},
          at,
        },
      ];
      expect(when(ruled, { type: 'moodScored', seq: 4, valenceScore: -0.85 })).to.deep.equal([
        { type: 'MessageFlagged', target: 4, reason: 'very negative (valence -0.85)', by: 'mood', at },
      ]);
      expect(when(ruled, { type: 'moodScored', seq: 4, valenceScore: -0.2 })).to.deep.equal([]);
      expect(when(withMessage, { type: 'moodScored', seq: 4, valenceScore: -0.9 }), 'no rule').to.deep.equal(
        [],
      );
      const flagged: RoomEvent[] = [
        ...ruled,
        { type: 'MessageFlagged', target: 4, reason: 'r', by: 'mood', at },
      ];
      expect(when(flagged, { type: 'moodScored', seq: 4, valenceScore: -0.9 }), 'once').to.deep.equal([]);
      expect(when(ruled, { type: 'moodScored', seq: 4, valenceScore: -7 })).to.equal('validation_failed');
    });

    it('records why a member was removed', () => {
      expect(when(created, { type: 'remove', by: 'ann', user: 'bob', reason: 'spam' })).to.deep.equal([
        { type: 'MemberRemoved', user: 'bob', by: 'ann', at, reason: 'spam' },
      ]);
    });
  });

  describe('untrusted input', () => {
    for (const [what, raw] of [
      ['not an object', 'send hi'],
      ['unknown type', { type: 'shout', by: 'bob' }],
      ['operator injection in by', { type: 'send', by: { $gt: '' }, text: 'x' }],
      ['operator injection in text', { type: 'send', by: 'bob', text: { $ne: null } }],
      ['unknown field', { type: 'send', by: 'bob', text: 'x', admin: true }],
      ['empty text', { type: 'send', by: 'bob', text: '   ' }],
      ['huge text', { type: 'send', by: 'bob', text: 'x'.repeat(roomLimits.textMax + 1) }],
      ['control characters', { type: 'send', by: 'bob', text: 'a\u0000b' }],
      ['fractional seq', { type: 'edit', by: 'bob', seq: 4.5, text: 'x' }],
      ['emoji with spaces', { type: 'react', by: 'bob', seq: 4, emoji: 'a b' }],
    ] as const) {
      it(`rejects ${what} with validation_failed`, () => {
        expect(when(withMessage, raw)).to.equal('validation_failed');
      });
    }

    it('refuses a malformed stored event', () => {
      expect(isRejection(roomActor.parseEvent!({ type: 'MessageSent', author: 'bob', at }))).to.equal(true);
      expect(isRejection(roomActor.parseEvent!({ type: 'Nope' }))).to.equal(true);
      expect(roomActor.parseEvent!(withMessage[3])).to.deep.equal(withMessage[3]);
    });
  });

  it('answers membership and summary queries', () => {
    const state = fold(withMessage);
    expect(roomActor.query!(state, { type: 'membership', user: 'ann' })).to.deep.equal({
      member: true,
      role: 'owner',
      lastSeq: 4,
    });
    expect(roomActor.query!(state, { type: 'membership', user: 'eve' })).to.deep.equal({
      member: false,
      lastSeq: 4,
    });
    expect(roomActor.query!(state, { type: 'summary' })).to.deep.include({
      name: 'Diary club',
      lastSeq: 4,
      messageCount: 1,
    });
    expect(roomActor.query!(emptyRoom(), { type: 'summary' })).to.equal(null);
  });
});
