import type { ActorType } from '../actors/types.js';
import { isRejection, reject, type Rejection } from '../actors/types.js';
import { hasOwn, own, recordOf } from '../kit/own-keys.js';
import { moderate, moodFlag } from './moderation.js';
import { parseRoomCommand, parseRoomEvent } from './room-parse.js';
import { sendDigest } from './send-digest.js';
import { overSendRate, withSend } from './send-rate.js';
import { readTrackedMessages, trackedMessage, withChanged, withNewest } from './tracked-messages.js';
import {
  emptyRoom,
  roomLimits,
  type Role,
  type RoomCommand,
  type RoomKind,
  type RoomDeclaration,
  type RoomEvent,
  type RoomState,
  type TrackedMessage,
} from './room-model.js';

const isMember = (s: RoomState, user: string) => hasOwn(s.members, user);
const isMuted = (s: RoomState, user: string, at: number) => {
  const until = own(s.muted, user);
  return until !== undefined && (until === 0 || until > at);
};
/**
 * Who may speak in a room of each kind: post, edit their messages and react.
 * An announcement room is its owners' voice; members read it.
 */
const speakers: Record<RoomKind, Role> = { group: 'member', direct: 'member', announcement: 'owner' };

/** Why `by` may not speak in the room now (not a member, not an owner where owners speak, muted), or nothing. */
function silenced(s: RoomState, by: string, at: number, verb: string): Rejection | undefined {
  if (!isMember(s, by)) return reject('forbidden', `only members can ${verb}`);
  if (speakers[s.kind] === 'owner' && !isOwner(s, by))
    return reject('forbidden', `only owners ${verb} in an announcement room`);
  if (isMuted(s, by, at)) return reject('muted', 'an owner muted you in this room');
  return undefined;
}
const reasonOf = (command: { reason?: string }) => (command.reason ? { reason: command.reason } : {});
/** A member joins; the room's message count so far is where their unread count starts. */
const joined = (s: RoomState, user: string, role: Role, at: number): RoomEvent => ({
  type: 'MemberJoined',
  user,
  role,
  at,
  n: s.messageCount,
});
const isOwner = (s: RoomState, user: string) => own(s.members, user) === 'owner';
const owners = (s: RoomState) => Object.keys(s.members).filter((u) => s.members[u] === 'owner');

/** The operator's name in events it caused. */
export const operatorActor = 'operator';
/** The mood rule's name in events it caused. */
export const moodActor = 'mood';
/** The platform's name in events it caused (account deletion). */
export const systemActor = 'system';

const sameRoles = (a: Record<string, Role>, b: Record<string, Role>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([u, r]) => own(b, u) === r);

/**
 * Makes a room what its declaration says: created if need be, settings set,
 * declared members joined with their roles, and members the declaration
 * added before but no longer names removed. Nothing changes when it already matches.
 */
function configureRoom(state: RoomState, d: RoomDeclaration, at: number): RoomEvent[] | Rejection {
  if (state.created && state.kind === 'direct')
    return reject('forbidden', 'a direct conversation cannot be declared');
  const declared = recordOf<Role>([
    ...d.members.map((user) => [user, 'member'] as const),
    ...d.owners.map((user) => [user, 'owner'] as const),
  ]);
  if (Object.keys(declared).length > d.settings.maxMembers)
    return reject('room_full', `${Object.keys(declared).length} declared members exceed maxMembers`);

  const events: RoomEvent[] = [];
  if (!state.created) {
    events.push({
      type: 'RoomCreated',
      kind: d.kind,
      name: d.name,
      visibility: d.visibility,
      by: operatorActor,
      at,
    });
  }
  const changed =
    !state.created ||
    state.kind !== d.kind ||
    state.name !== d.name ||
    state.visibility !== d.visibility ||
    JSON.stringify(state.settings) !== JSON.stringify(d.settings) ||
    !sameRoles(state.declared, declared);
  if (changed) {
    const { kind, name, visibility, settings } = d;
    events.push({ type: 'RoomConfigured', kind, name, visibility, settings, declared, at });
  }
  for (const [user, role] of Object.entries(declared)) {
    if (own(state.members, user) !== role) events.push(joined(state, user, role, at));
  }
  for (const user of Object.keys(state.declared)) {
    if (!hasOwn(declared, user) && isMember(state, user))
      events.push({ type: 'MemberRemoved', user, by: operatorActor, at });
  }
  return events;
}

/** The rules of a room, as a pure function of its state and one command. */
export function decideRoom(state: RoomState, command: RoomCommand, at: number): RoomEvent[] | Rejection {
  if (command.type === 'configure') return configureRoom(state, command, at);
  if (command.type === 'close') return state.created ? [{ type: 'RoomClosed', at }] : [];
  if (command.type === 'moodScored') {
    const message = trackedMessage(state.messages, command.seq);
    const flag = moodFlag(state.settings, command.valenceScore);
    if (!flag || !message || message.deleted || message.flagged) return [];
    return [{ type: 'MessageFlagged', target: command.seq, reason: flag.reason, by: moodActor, at }];
  }
  if (command.type === 'forget') {
    if (!isMember(state, command.user)) return [];
    return [{ type: 'MemberRemoved', user: command.user, by: systemActor, at, reason: 'account deleted' }];
  }
  if (command.type === 'create') {
    if (state.created) return reject('room_exists', 'the room exists already');
    if (command.kind === 'direct') {
      return [
        { type: 'RoomCreated', kind: 'direct', name: '', visibility: 'private', by: command.by, at },
        joined(state, command.by, 'member', at),
        joined(state, command.peer, 'member', at),
      ];
    }
    // The others are invited: in a group room only once they accept (ADR 0012).
    const others = [...new Set(command.members)].filter((u) => u !== command.by);
    return [
      {
        type: 'RoomCreated',
        kind: 'group',
        name: command.name,
        visibility: command.visibility,
        by: command.by,
        at,
      },
      joined(state, command.by, 'owner', at),
      ...others.map((user): RoomEvent => ({ type: 'MemberInvited', user, by: command.by, at })),
    ];
  }
  if (!state.created) return reject('room_not_found', 'no such room');
  const { by } = command;

  switch (command.type) {
    case 'join':
      if (isMember(state, by)) return reject('already_member', 'already a member');
      if (state.kind === 'direct') return reject('forbidden', 'nobody can join a direct conversation');
      if (state.visibility === 'private' && !hasOwn(state.invited, by))
        return reject('forbidden', 'the room is private');
      if (Object.keys(state.members).length >= state.settings.maxMembers)
        return reject('room_full', 'the room is full');
      return [joined(state, by, 'member', at)];

    case 'leave':
      if (!isMember(state, by)) return reject('not_member', 'not a member of the room');
      if (isOwner(state, by) && owners(state).length === 1 && Object.keys(state.members).length > 1) {
        return reject('last_owner', 'the last owner cannot leave while others remain');
      }
      return [{ type: 'MemberLeft', user: by, at }];

    case 'invite':
      if (!isMember(state, by)) return reject('forbidden', 'only members can invite');
      if (state.kind === 'direct')
        return reject('forbidden', 'a direct conversation has exactly two members');
      if (isMember(state, command.user)) return reject('already_member', 'already a member');
      if (hasOwn(state.invited, command.user)) return [];
      return [{ type: 'MemberInvited', user: command.user, by, at }];

    case 'decline':
      if (!hasOwn(state.invited, by)) return reject('invitation_not_found', 'no invitation to this room');
      return [{ type: 'InvitationDeclined', user: by, at }];

    case 'remove':
      if (!isOwner(state, by)) return reject('forbidden', 'only an owner can remove members');
      if (!isMember(state, command.user)) return reject('not_member', 'not a member of the room');
      if (isOwner(state, command.user)) return reject('forbidden', 'owners cannot be removed');
      return [{ type: 'MemberRemoved', user: command.user, by, at, ...reasonOf(command) }];

    case 'mute': {
      if (!isOwner(state, by)) return reject('forbidden', 'only an owner can mute members');
      if (!isMember(state, command.user)) return reject('not_member', 'not a member of the room');
      if (isOwner(state, command.user)) return reject('forbidden', 'owners cannot be muted');
      const until = command.minutes === 0 ? 0 : at + command.minutes * 60_000;
      const reason = command.reason ?? 'muted by an owner';
      return [{ type: 'MemberMuted', user: command.user, by, until, reason, at }];
    }

    case 'unmute':
      if (!isOwner(state, by)) return reject('forbidden', 'only an owner can unmute members');
      if (!hasOwn(state.muted, command.user)) return [];
      return [{ type: 'MemberUnmuted', user: command.user, by, at }];

    case 'send': {
      const refused = silenced(state, by, at, 'post') ?? overSendRate(state, by, at);
      if (refused) return refused;
      const decision = moderate(state.settings, command.text);
      if (isRejection(decision)) return decision;
      const n = state.messageCount + 1;
      return [{ type: 'MessageSent', author: by, text: command.text, at, n, ...decision }];
    }

    case 'edit': {
      const message = trackedMessage(state.messages, command.seq);
      const refused = silenced(state, by, at, 'edit');
      if (refused) return refused;
      if (!message || message.deleted)
        return reject('message_not_found', 'no such message (or too old to change)');
      if (message.author !== by) return reject('forbidden', 'only the author can edit a message');
      const decision = moderate(state.settings, command.text);
      if (isRejection(decision)) return decision;
      return [{ type: 'MessageEdited', target: command.seq, text: command.text, by, at, ...decision }];
    }

    case 'delete': {
      const message = trackedMessage(state.messages, command.seq);
      if (!isMember(state, by)) return reject('forbidden', 'only members can delete');
      if (!message || message.deleted)
        return reject('message_not_found', 'no such message (or too old to change)');
      if (message.author !== by && !isOwner(state, by)) {
        return reject('forbidden', 'only the author or an owner can delete a message');
      }
      return [{ type: 'MessageDeleted', target: command.seq, by, at }];
    }

    case 'react': {
      const message = trackedMessage(state.messages, command.seq);
      // Taking one's own reaction back is always allowed; adding one is speaking.
      const refused = command.on ? silenced(state, by, at, 'react') : undefined;
      if (refused) return refused;
      if (!isMember(state, by)) return reject('forbidden', 'only members can react');
      if (!message || message.deleted)
        return reject('message_not_found', 'no such message (or too old to change)');
      const reacted = own(message.reactions, command.emoji)?.includes(by) ?? false;
      if (reacted === command.on) return []; // already so: nothing changes
      const type = command.on ? 'ReactionAdded' : 'ReactionRemoved';
      return [{ type, target: command.seq, emoji: command.emoji, by, at }];
    }
  }
}

const withoutKey = <T>(record: Record<string, T>, key: string): Record<string, T> => {
  const { [key]: _removed, ...rest } = record;
  return rest;
};

function updateMessage(
  state: RoomState,
  seq: number,
  change: (m: TrackedMessage) => TrackedMessage,
): RoomState {
  const messages = withChanged(state.messages, seq, change);
  return messages === state.messages ? state : { ...state, messages };
}

/** Folds one event into the room state. Every event takes the next sequence. */
export function evolveRoom(state: RoomState, event: RoomEvent): RoomState {
  const seq = state.nextSeq;
  const s = { ...state, nextSeq: seq + 1, lastActivityAt: event.at };
  switch (event.type) {
    case 'RoomCreated':
      return { ...s, created: true, kind: event.kind, name: event.name, visibility: event.visibility };
    case 'RoomConfigured':
      return {
        ...s,
        kind: event.kind,
        name: event.name,
        visibility: event.visibility,
        settings: event.settings,
        declared: event.declared,
      };
    case 'RoomClosed':
      // Everything goes but the sequence, which never repeats: a room made again continues it.
      return { ...emptyRoom(), nextSeq: s.nextSeq, lastActivityAt: event.at };
    case 'MemberJoined':
      return {
        ...s,
        members: { ...s.members, [event.user]: event.role },
        invited: withoutKey(s.invited, event.user),
      };
    case 'MemberInvited':
      return { ...s, invited: { ...s.invited, [event.user]: true } };
    case 'InvitationDeclined':
      return { ...s, invited: withoutKey(s.invited, event.user) };
    case 'MemberLeft':
    case 'MemberRemoved':
      return {
        ...s,
        members: withoutKey(s.members, event.user),
        muted: withoutKey(s.muted, event.user),
        recentSends: withoutKey(s.recentSends, event.user),
      };
    case 'MemberMuted':
      return { ...s, muted: { ...s.muted, [event.user]: event.until } };
    case 'MemberUnmuted':
      return { ...s, muted: withoutKey(s.muted, event.user) };
    case 'MessageSent':
      return {
        ...s,
        messages: withNewest(
          s.messages,
          seq,
          { author: event.author, deleted: false, reactions: {} },
          roomLimits.trackedMessages,
        ),
        messageCount: s.messageCount + 1,
        recentSends: withSend(s, event.author, event.at),
      };
    case 'MessageEdited':
      return s;
    case 'MessageDeleted':
      return updateMessage(s, event.target, (m) => ({ ...m, deleted: true }));
    case 'MessageFlagged':
      return updateMessage(s, event.target, (m) => ({ ...m, flagged: true }));
    case 'ReactionAdded':
      return updateMessage(s, event.target, (m) => ({
        ...m,
        reactions: { ...m.reactions, [event.emoji]: [...(own(m.reactions, event.emoji) ?? []), event.by] },
      }));
    case 'ReactionRemoved':
      return updateMessage(s, event.target, (m) => {
        const users = (own(m.reactions, event.emoji) ?? []).filter((u) => u !== event.by);
        return {
          ...m,
          reactions: users.length
            ? { ...m.reactions, [event.emoji]: users }
            : withoutKey(m.reactions, event.emoji),
        };
      });
  }
}

export type RoomQuery = { type: 'summary' } | { type: 'membership'; user: string };

export interface RoomSummary {
  kind: RoomState['kind'];
  settings: RoomState['settings'];
  name: string;
  visibility: RoomState['visibility'];
  members: Record<string, RoomState['members'][string]>;
  lastSeq: number;
  messageCount: number;
  lastActivityAt: number;
}

/** What a room answers: the sequence it is at; for a send, its text's digest (see sendDigest). */
export interface RoomReply {
  seq: number;
  digest?: string;
}

/** The room actor type: the chat service hosts one per room. */
export const roomActor: ActorType<RoomState, RoomCommand, RoomEvent, RoomQuery, RoomReply> = {
  name: 'room',
  initialState: emptyRoom,
  parseCommand: parseRoomCommand,
  parseEvent: parseRoomEvent,
  decide: (state, command, ctx) => decideRoom(state, command, ctx.at),
  evolve: evolveRoom,
  reply: (state, events) => {
    const sent = events.find((e) => e.type === 'MessageSent');
    return { seq: state.nextSeq - 1, ...(sent ? { digest: sendDigest(sent.text) } : {}) };
  },
  // Snapshots written before a field existed get its default; tracked messages written as an object are converted.
  fromSnapshot: (snapshot) => {
    const stored = snapshot as Partial<RoomState>;
    return { ...emptyRoom(), ...stored, messages: readTrackedMessages(stored.messages) };
  },
  parseQuery(raw) {
    const q = raw as { type?: unknown; user?: unknown } | null;
    if (q?.type === 'summary') return { type: 'summary' };
    if (q?.type === 'membership' && typeof q.user === 'string') return { type: 'membership', user: q.user };
    return reject('invalid_query', 'query must be summary or membership');
  },
  query(state, query): RoomSummary | { member: boolean; role?: string; lastSeq: number } | null {
    if (!state.created) return null;
    if (query.type === 'membership') {
      const role = own(state.members, query.user);
      const lastSeq = state.nextSeq - 1;
      return role ? { member: true, role, lastSeq } : { member: false, lastSeq };
    }
    return {
      kind: state.kind,
      settings: state.settings,
      name: state.name,
      visibility: state.visibility,
      members: state.members,
      lastSeq: state.nextSeq - 1,
      messageCount: state.messageCount,
      lastActivityAt: state.lastActivityAt,
    };
  },
};
