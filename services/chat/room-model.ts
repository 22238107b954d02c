import { noTrackedMessages, type TrackedMessages } from './tracked-messages.js';
import type { Moderation } from './moderation.js';
// The chat room's vocabulary: commands a room accepts, events it records,
// and the state folded from them. Sequence numbers are the room actor's
// versions: every event has one, gap-free, so clients resume by sequence.

export const roomLimits = {
  nameMax: 100,
  textMax: 4000,
  emojiMax: 32,
  /**
   * Newest messages whose author, deletion and reactions the room keeps, so
   * they can be edited, deleted and reacted to; older ones are final. Bounded
   * so the state (copied on every event, written in snapshots) stays small.
   */
  trackedMessages: 2_000,
  membersMax: 10_000,
  reasonMax: 500,
  /** The longest mute, in minutes (a year); longer is "until unmuted" (0). */
  muteMinutesMax: 525_600,
};

/** An announcement room is a group room where only owners post. */
export type RoomKind = 'group' | 'direct' | 'announcement';
export type Visibility = 'public' | 'private';
export type Role = 'owner' | 'member';

/** Settings a declared room (the ChatRoom resource) carries besides its members. */
export interface RoomSettings {
  maxMembers: number;
  /** Messages per member per minute; 0 is no limit. */
  rateLimitPerMinute: number;
  retention: { maxAgeSeconds: number; maxMessages: number };
  moderation: { blockedWords: string[]; action: 'flag' | 'hide' | 'reject'; moodModel: string };
}

export const defaultRoomSettings = (): RoomSettings => ({
  maxMembers: roomLimits.membersMax,
  rateLimitPerMinute: 0,
  retention: { maxAgeSeconds: 0, maxMessages: 0 },
  moderation: { blockedWords: [], action: 'flag', moodModel: '' },
});

/**
 * The whole declared shape of a room, as the operator sends it: the room is
 * created if it does not exist, and its settings and declared members are
 * made to match. Members who joined by themselves are left alone.
 */
export interface RoomDeclaration {
  name: string;
  kind: 'group' | 'announcement';
  visibility: Visibility;
  owners: string[];
  members: string[];
  settings: RoomSettings;
}

export type RoomCommand =
  | { type: 'create'; by: string; kind: 'group'; name: string; visibility: Visibility; members: string[] }
  | { type: 'create'; by: string; kind: 'direct'; peer: string }
  | { type: 'join'; by: string }
  | { type: 'leave'; by: string }
  /** Adds someone to a group room: they are invited, and in once they accept (join) it. */
  | { type: 'invite'; by: string; user: string }
  /** The invitee says no: the invitation is gone (another may come). */
  | { type: 'decline'; by: string }
  | { type: 'remove'; by: string; user: string; reason?: string }
  /** An owner silences a member for `minutes` (0: until unmuted). */
  | { type: 'mute'; by: string; user: string; minutes: number; reason?: string }
  | { type: 'unmute'; by: string; user: string }
  | { type: 'send'; by: string; text: string }
  | { type: 'edit'; by: string; seq: number; text: string }
  | { type: 'delete'; by: string; seq: number }
  | { type: 'react'; by: string; seq: number; emoji: string; on: boolean }
  | ({ type: 'configure' } & RoomDeclaration)
  /** Ends the room and its history (a ChatRoom deleted with policy Delete). */
  | { type: 'close' }
  /** The mood rule: a scored message (from the platform's mood scores, never a client). */
  | { type: 'moodScored'; seq: number; valenceScore: number }
  /** A member's account was deleted: they leave, whatever their role (from the platform, never a client). */
  | { type: 'forget'; user: string };

export type RoomEvent =
  | { type: 'RoomCreated'; kind: RoomKind; name: string; visibility: Visibility; by: string; at: number }
  /** `n`: how many messages the room had when they joined (their unread count starts there). */
  | { type: 'MemberJoined'; user: string; role: Role; at: number; n?: number }
  | { type: 'MemberInvited'; user: string; by: string; at: number }
  | { type: 'InvitationDeclined'; user: string; at: number }
  | { type: 'MemberLeft'; user: string; at: number }
  | { type: 'MemberRemoved'; user: string; by: string; at: number; reason?: string }
  /** `until`: ms since the epoch; 0 until an owner unmutes them. */
  | { type: 'MemberMuted'; user: string; by: string; until: number; reason: string; at: number }
  | { type: 'MemberUnmuted'; user: string; by: string; at: number }
  /** `n`: the message's ordinal in the room (1, 2, …), for unread counts. */
  | { type: 'MessageSent'; author: string; text: string; at: number; n?: number; moderation?: Moderation }
  | { type: 'MessageEdited'; target: number; text: string; by: string; at: number; moderation?: Moderation }
  | { type: 'MessageDeleted'; target: number; by: string; at: number }
  /** The room's mood rule flagged a message for its owners. */
  | { type: 'MessageFlagged'; target: number; reason: string; by: string; at: number }
  | { type: 'ReactionAdded'; target: number; emoji: string; by: string; at: number }
  | { type: 'ReactionRemoved'; target: number; emoji: string; by: string; at: number }
  | {
      type: 'RoomConfigured';
      kind: 'group' | 'announcement';
      name: string;
      visibility: Visibility;
      settings: RoomSettings;
      /** The members the declaration names, with their roles. */
      declared: Record<string, Role>;
      at: number;
    }
  | { type: 'RoomClosed'; at: number };

export interface TrackedMessage {
  author: string;
  deleted: boolean;
  /** The mood rule flagged it already. */
  flagged?: boolean;
  /** emoji → users who reacted with it */
  reactions: Record<string, string[]>;
}

export interface RoomState {
  created: boolean;
  kind: RoomKind;
  name: string;
  visibility: Visibility;
  members: Record<string, Role>;
  invited: Record<string, true>;
  /** The sequence the next event will get. */
  nextSeq: number;
  /** The newest messages, oldest dropped past the limit. */
  messages: TrackedMessages;
  messageCount: number;
  lastActivityAt: number;
  settings: RoomSettings;
  /** Members a declaration added (and may remove again); others joined by themselves. */
  declared: Record<string, Role>;
  /** Muted members and until when (0: until unmuted). */
  muted: Record<string, number>;
  /**
   * While the room limits messages per member per minute: each member's
   * send times within the last minute (at most the limit of them), oldest first.
   */
  recentSends: Record<string, number[]>;
}

export const emptyRoom = (): RoomState => ({
  created: false,
  kind: 'group',
  name: '',
  visibility: 'private',
  members: {},
  invited: {},
  nextSeq: 1,
  messages: noTrackedMessages(),
  messageCount: 0,
  lastActivityAt: 0,
  settings: defaultRoomSettings(),
  declared: {},
  muted: {},
  recentSends: {},
});
