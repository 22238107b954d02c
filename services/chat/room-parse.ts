import {
  cleanText,
  InvalidField,
  onlyFields,
  parseWith,
  userId,
  type Raw,
} from '../actors/command-fields.js';
import { reject, type Rejection } from '../actors/types.js';

export { userIdPattern } from '../actors/command-fields.js';
import { roomLimits, type RoomCommand, type RoomEvent, type RoomSettings } from './room-model.js';

// Untrusted JSON in, a well-formed command or a rejection out. Unknown fields
// are refused, strings must be strings (no operator objects), sizes are bounded.

function seq(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1)
    throw new InvalidField('seq', 'seq must be a positive whole number');
  return value as number;
}

function emoji(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > roomLimits.emojiMax ||
    /\s/.test(value)
  ) {
    throw new InvalidField('emoji', `emoji must be 1-${roomLimits.emojiMax} characters without spaces`);
  }
  return value;
}

function object(value: unknown, field: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidField(field, `${field} must be an object`);
  return value as Raw;
}

function count(value: unknown, field: string, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max)
    throw new InvalidField(field, `${field} must be a whole number from 0 to ${max}`);
  return value as number;
}

const reason = (value: unknown) =>
  value === undefined ? {} : { reason: cleanText(value, 'reason', roomLimits.reasonMax) };

function userIds(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length > roomLimits.membersMax)
    throw new InvalidField(field, `${field} must be a list of at most ${roomLimits.membersMax} user ids`);
  return value.map((u, i) => userId(u, `${field}[${i}]`));
}

function settings(value: unknown): RoomSettings {
  const s = object(value, 'settings');
  onlyFields(s, ['maxMembers', 'rateLimitPerMinute', 'retention', 'moderation']);
  const retention = object(s.retention, 'settings.retention');
  onlyFields(retention, ['maxAgeSeconds', 'maxMessages']);
  const moderation = object(s.moderation, 'settings.moderation');
  onlyFields(moderation, ['blockedWords', 'action', 'moodModel']);
  const words = moderation.blockedWords;
  if (!Array.isArray(words) || words.length > 1000)
    throw new InvalidField(
      'settings.moderation.blockedWords',
      'settings.moderation.blockedWords must be a list of at most 1000 words',
    );
  const action = moderation.action;
  if (action !== 'flag' && action !== 'hide' && action !== 'reject')
    throw new InvalidField(
      'settings.moderation.action',
      'settings.moderation.action must be flag, hide or reject',
    );
  if (typeof moderation.moodModel !== 'string' || moderation.moodModel.length > 253)
    throw new InvalidField('settings.moderation.moodModel', 'settings.moderation.moodModel must be a name');
  const maxMembers = count(s.maxMembers, 'settings.maxMembers', roomLimits.membersMax);
  if (maxMembers < 1) throw new InvalidField('settings.maxMembers', 'settings.maxMembers must be at least 1');
  return {
    maxMembers,
    rateLimitPerMinute: count(s.rateLimitPerMinute, 'settings.rateLimitPerMinute', 100_000),
    retention: {
      maxAgeSeconds: count(retention.maxAgeSeconds, 'settings.retention.maxAgeSeconds', 2 ** 40),
      maxMessages: count(retention.maxMessages, 'settings.retention.maxMessages', 2 ** 40),
    },
    moderation: {
      blockedWords: words.map((w, i) => cleanText(w, `settings.moderation.blockedWords[${i}]`, 100)),
      action,
      moodModel: moderation.moodModel,
    },
  };
}

/** The platform's commands (operator, account deletion) carry no user: they never come from a client. */
function parseDeclaration(raw: Raw): RoomCommand {
  if (raw.type === 'close') {
    onlyFields(raw, ['type']);
    return { type: 'close' };
  }
  if (raw.type === 'moodScored') {
    onlyFields(raw, ['type', 'seq', 'valenceScore']);
    const score = raw.valenceScore;
    if (typeof score !== 'number' || !(score >= -1 && score <= 1))
      throw new InvalidField('valenceScore', 'valenceScore must be a number from -1 to 1');
    return { type: 'moodScored', seq: seq(raw.seq), valenceScore: score };
  }
  if (raw.type === 'forget') {
    onlyFields(raw, ['type', 'user']);
    return { type: 'forget', user: userId(raw.user, 'user') };
  }
  onlyFields(raw, ['type', 'name', 'kind', 'visibility', 'owners', 'members', 'settings']);
  if (raw.kind !== 'group' && raw.kind !== 'announcement')
    throw new InvalidField('kind', 'kind must be group or announcement');
  if (raw.visibility !== 'public' && raw.visibility !== 'private')
    throw new InvalidField('visibility', 'visibility must be public or private');
  return {
    type: 'configure',
    name: cleanText(raw.name, 'name', roomLimits.nameMax),
    kind: raw.kind,
    visibility: raw.visibility,
    owners: userIds(raw.owners, 'owners'),
    members: userIds(raw.members, 'members'),
    settings: settings(raw.settings),
  };
}

function parse(raw: Raw): RoomCommand {
  if (['configure', 'close', 'forget', 'moodScored'].includes(raw.type as string))
    return parseDeclaration(raw);
  const by = userId(raw.by, 'by');
  switch (raw.type) {
    case 'create': {
      if (raw.kind === 'direct') {
        onlyFields(raw, ['type', 'by', 'kind', 'peer']);
        const peer = userId(raw.peer, 'peer');
        if (peer === by) throw new InvalidField('peer', 'a direct conversation needs two different users');
        return { type: 'create', by, kind: 'direct', peer };
      }
      if (raw.kind !== 'group') throw new InvalidField('kind', 'kind must be group or direct');
      onlyFields(raw, ['type', 'by', 'kind', 'name', 'visibility', 'members']);
      const visibility = raw.visibility ?? 'private';
      if (visibility !== 'public' && visibility !== 'private')
        throw new InvalidField('visibility', 'visibility must be public or private');
      const members = raw.members ?? [];
      if (!Array.isArray(members) || members.length > 100)
        throw new InvalidField('members', 'members must be a list of at most 100 user ids');
      return {
        type: 'create',
        by,
        kind: 'group',
        name: cleanText(raw.name, 'name', roomLimits.nameMax),
        visibility,
        members: members.map((m, i) => userId(m, `members[${i}]`)),
      };
    }
    case 'join':
    case 'leave':
    case 'decline':
      onlyFields(raw, ['type', 'by']);
      return { type: raw.type, by };
    case 'invite':
    case 'unmute':
      onlyFields(raw, ['type', 'by', 'user']);
      return { type: raw.type, by, user: userId(raw.user, 'user') };
    case 'remove':
      onlyFields(raw, ['type', 'by', 'user', 'reason']);
      return { type: 'remove', by, user: userId(raw.user, 'user'), ...reason(raw.reason) };
    case 'mute':
      onlyFields(raw, ['type', 'by', 'user', 'minutes', 'reason']);
      return {
        type: 'mute',
        by,
        user: userId(raw.user, 'user'),
        minutes: count(raw.minutes ?? 0, 'minutes', roomLimits.muteMinutesMax),
        ...reason(raw.reason),
      };
    case 'send':
      onlyFields(raw, ['type', 'by', 'text']);
      return { type: 'send', by, text: cleanText(raw.text, 'text', roomLimits.textMax) };
    case 'edit':
      onlyFields(raw, ['type', 'by', 'seq', 'text']);
      return { type: 'edit', by, seq: seq(raw.seq), text: cleanText(raw.text, 'text', roomLimits.textMax) };
    case 'delete':
      onlyFields(raw, ['type', 'by', 'seq']);
      return { type: 'delete', by, seq: seq(raw.seq) };
    case 'react':
      onlyFields(raw, ['type', 'by', 'seq', 'emoji', 'on']);
      if (raw.on !== undefined && typeof raw.on !== 'boolean')
        throw new InvalidField('on', 'on must be true or false');
      return { type: 'react', by, seq: seq(raw.seq), emoji: emoji(raw.emoji), on: raw.on !== false };
    default:
      throw new InvalidField(
        'type',
        'type must be one of create, join, leave, invite, decline, remove, mute, unmute, send, edit, delete, react, configure, close',
      );
  }
}

export function parseRoomCommand(raw: unknown): RoomCommand | Rejection {
  return parseWith(raw, parse);
}

const eventFields: Record<RoomEvent['type'], Record<string, 'string' | 'number' | 'object'>> = {
  RoomCreated: { kind: 'string', name: 'string', visibility: 'string', by: 'string', at: 'number' },
  MemberJoined: { user: 'string', role: 'string', at: 'number' },
  MemberInvited: { user: 'string', by: 'string', at: 'number' },
  InvitationDeclined: { user: 'string', at: 'number' },
  MemberLeft: { user: 'string', at: 'number' },
  MemberRemoved: { user: 'string', by: 'string', at: 'number' },
  MemberMuted: { user: 'string', by: 'string', until: 'number', reason: 'string', at: 'number' },
  MemberUnmuted: { user: 'string', by: 'string', at: 'number' },
  MessageSent: { author: 'string', text: 'string', at: 'number' },
  MessageEdited: { target: 'number', text: 'string', by: 'string', at: 'number' },
  MessageDeleted: { target: 'number', by: 'string', at: 'number' },
  MessageFlagged: { target: 'number', reason: 'string', by: 'string', at: 'number' },
  ReactionAdded: { target: 'number', emoji: 'string', by: 'string', at: 'number' },
  ReactionRemoved: { target: 'number', emoji: 'string', by: 'string', at: 'number' },
  RoomConfigured: {
    kind: 'string',
    name: 'string',
    visibility: 'string',
    settings: 'object',
    declared: 'object',
    at: 'number',
  },
  RoomClosed: { at: 'number' },
};

/** Checks a stored event's shape before it is folded; a bad one is skipped and parked by the runtime. */
export function parseRoomEvent(raw: unknown): RoomEvent | Rejection {
  const e = raw as Raw | null;
  const fields = typeof e?.type === 'string' ? eventFields[e.type as RoomEvent['type']] : undefined;
  if (!e || !fields) return reject('invalid_event', 'unknown room event type');
  for (const [field, kind] of Object.entries(fields)) {
    if (typeof e[field] !== kind || e[field] === null)
      return reject('invalid_event', `${e.type}.${field} must be a ${kind}`);
  }
  return e as unknown as RoomEvent;
}
