import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { bulkWriteInChunks, ignoreDuplicates } from '../actors/bulk.js';
import { own, recordOf } from '../kit/own-keys.js';
import { wordsFilter } from '../kit/text-search.js';
import type { PublishedEvent } from '../actors/envelope.js';
import type { WriteBehind } from '../actors/projection.js';
import type { Moderation } from './moderation.js';
import type { CurrentMessage } from './served-events.js';
import type { RoomEvent, RoomKind, Role } from './room-model.js';

// The chat read model: what clients page through and list, kept up to date
// from room events by a projection. Every write is idempotent, so a replayed
// event changes nothing. Messages and memberships are written as their events
// arrive; what every message moves — the room's activity and count, and its
// author's own read watermark (writing is reading), kept in the room's
// document — is written behind: one `$max` per room per interval
// (`activityEveryMs`), the events acked only once written.

/** Whom a deleted account's messages are shown as written by. */
export const deletedAuthor = 'deleted';

export interface MessageDoc {
  _id: string; // `${room}#${seq}`
  room: string;
  seq: number;
  author: string;
  text: string;
  at: number;
  /** The message's ordinal in its room (1, 2, …); absent on messages older than unread counts. */
  n?: number;
  editedAt?: number;
  deleted: boolean;
  /** A message moderation hid or flagged, and why. */
  moderation?: Moderation;
  /** `${emoji} ${user}` pairs: flat strings work with $addToSet/$pull on MongoDB and FerretDB alike. */
  reactions: string[];
}

export interface RoomDoc {
  _id: string;
  kind: RoomKind;
  name: string;
  lastSeq: number;
  lastActivityAt: number;
  /** Messages ever sent in the room (the newest message's ordinal). */
  messageCount?: number;
  /** Each current member's newest own message (writing is reading), by user id. */
  authors?: Record<string, { seq: number; n: number }>;
}

/** A pending invitation to a room (see ADR 0012): gone once accepted or declined. */
export interface InvitationDoc {
  _id: string; // `${user}#${room}`
  user: string;
  room: string;
  by: string;
  at: number;
}

export interface MembershipDoc {
  _id: string; // `${user}#${room}`
  user: string;
  room: string;
  role: Role;
  joinedAt: number;
  /** The read watermark: the member has read the room up to this sequence… */
  readSeq: number;
  /** …which is this many messages in (unread = the room's messageCount − readN). */
  readN: number;
}

/** A member's read watermark in a room. */
export interface Receipt {
  user: string;
  seq: number;
}

/** How often rooms' activity and authors' watermarks are written, at most: how far unread counts and room order may lag. */
export const defaultActivityEveryMs = 500;
/**
 * How long the projection gathers room events into one write: under load,
 * fewer and larger inserts (each insert is a command the store pays for).
 * Readers wait for what it holds (`settled`), so nobody reads around it.
 */
export const defaultReadModelLingerMs = 50;

/** Pending `$max` writes: per document, the highest value of each field. */
type Maxima = Map<string, Record<string, number>>;

/** A message as the API returns it: reactions grouped by emoji. */
export type Message = Omit<MessageDoc, '_id' | 'reactions'> & { reactions: Record<string, string[]> };

export class ChatReadModel {
  readonly messages: Collection<MessageDoc>;
  readonly rooms: Collection<RoomDoc>;
  readonly memberships: Collection<MembershipDoc>;
  readonly invitations: Collection<InvitationDoc>;
  readonly writeBehind: WriteBehind;
  /** Room activity (`lastSeq`, `lastActivityAt`, `messageCount`, `authors.<user>.*`) not yet written. */
  readonly #activity: Maxima = new Map();

  constructor(db: Db, options: { activityEveryMs?: number } = {}) {
    this.messages = db.collection('chat_messages');
    this.rooms = db.collection('chat_rooms');
    this.memberships = db.collection('chat_memberships');
    this.invitations = db.collection('chat_invitations');
    this.writeBehind = {
      everyMs: options.activityEveryMs ?? defaultActivityEveryMs,
      flush: () => this.#writeActivity(),
    };
  }

  async ensureIndexes(): Promise<void> {
    await this.messages.createIndex({ room: 1, seq: -1 }, { unique: true, name: 'room_seq' });
    await this.memberships.createIndex({ user: 1, room: 1 }, { name: 'user_rooms' });
    await this.invitations.createIndex({ user: 1, at: -1 }, { name: 'user_invitations' });
    await this.rooms.createIndex({ lastActivityAt: -1 }, { name: 'activity' });
  }

  /**
   * Applies room events in stream order with a few bulk writes (a projection
   * handler): new messages in one insert, then message changes, memberships
   * and rooms each in one ordered bulk write; room activity and authors'
   * watermarks are left for `writeBehind`. Idempotent: replayed inserts
   * collide and are ignored; updates set what they set before.
   */
  async applyBatch(published: PublishedEvent[]): Promise<void> {
    // A closed room's history goes at its RoomClosed, between what came before and after it.
    let start = 0;
    for (const [i, { actorId, data }] of published.entries()) {
      if (data.type !== 'RoomClosed') continue;
      await this.#applyWrites(published.slice(start, i));
      await this.#removeRoom(actorId);
      start = i + 1;
    }
    await this.#applyWrites(published.slice(start));
  }

  async #removeRoom(room: string): Promise<void> {
    await this.messages.deleteMany({ room });
    await this.memberships.deleteMany({ room });
    await this.invitations.deleteMany({ room });
    await this.rooms.deleteOne({ _id: room });
  }

  async #applyWrites(published: PublishedEvent[]): Promise<void> {
    const inserts: MessageDoc[] = [];
    const messageChanges: AnyBulkWriteOperation<MessageDoc>[] = [];
    const membershipChanges: AnyBulkWriteOperation<MembershipDoc>[] = [];
    const invitationChanges: AnyBulkWriteOperation<InvitationDoc>[] = [];
    const roomChanges: AnyBulkWriteOperation<RoomDoc>[] = [];
    const activity: Maxima = new Map();

    for (const { actorId: room, version: seq, data } of published) {
      const event = data as unknown as RoomEvent;
      const message = (target: number) => ({ _id: `${room}#${target}` });
      raise(activity, room, { lastSeq: seq, lastActivityAt: event.at });
      switch (event.type) {
        case 'RoomCreated':
          // Complete from the start: the activity written behind only raises it.
          roomChanges.push({
            updateOne: {
              filter: { _id: room },
              update: {
                $set: { kind: event.kind, name: event.name },
                $max: { lastSeq: seq, lastActivityAt: event.at, messageCount: 0 },
              },
              upsert: true,
            },
          });
          break;
        case 'MemberJoined':
          invitationChanges.push({ deleteOne: { filter: { _id: `${event.user}#${room}` } } });
          // A joiner has "read" what was there before them; $max keeps a role change from lowering it.
          membershipChanges.push({
            updateOne: {
              filter: { _id: `${event.user}#${room}` },
              update: {
                $set: { user: event.user, room, role: event.role, joinedAt: event.at },
                $max: { readSeq: seq, readN: event.n ?? 0 },
              },
              upsert: true,
            },
          });
          break;
        case 'MemberLeft':
        case 'MemberRemoved':
          membershipChanges.push({ deleteOne: { filter: { _id: `${event.user}#${room}` } } });
          // Gone from the room's authors too, and from what is still to be written.
          roomChanges.push({
            updateOne: { filter: { _id: room }, update: { $unset: { [`authors.${event.user}`]: '' } } },
          });
          dropFields(activity, room, `authors.${event.user}.`);
          dropFields(this.#activity, room, `authors.${event.user}.`);
          break;
        case 'RoomConfigured':
          roomChanges.push({
            updateOne: { filter: { _id: room }, update: { $set: { kind: event.kind, name: event.name } } },
          });
          break;
        case 'MemberInvited':
          // Invited again: the newest invitation (who, when) is the one shown.
          invitationChanges.push({
            updateOne: {
              filter: { _id: `${event.user}#${room}` },
              update: { $set: { user: event.user, room, by: event.by, at: event.at } },
              upsert: true,
            },
          });
          break;
        case 'InvitationDeclined':
          invitationChanges.push({ deleteOne: { filter: { _id: `${event.user}#${room}` } } });
          break;
        case 'MemberMuted':
        case 'MemberUnmuted':
        case 'RoomClosed':
          break;
        case 'MessageSent':
          if (event.n !== undefined) {
            // Writing is reading: the author has read the room up to their own message.
            raise(activity, room, {
              messageCount: event.n,
              [`authors.${event.author}.seq`]: seq,
              [`authors.${event.author}.n`]: event.n,
            });
          }
          inserts.push({
            _id: `${room}#${seq}`,
            room,
            seq,
            author: event.author,
            text: event.text,
            at: event.at,
            ...(event.n !== undefined ? { n: event.n } : {}),
            deleted: false,
            reactions: [],
            ...(event.moderation ? { moderation: event.moderation } : {}),
          });
          break;
        case 'MessageEdited':
          messageChanges.push({
            updateOne: {
              filter: message(event.target),
              update: event.moderation
                ? { $set: { text: event.text, editedAt: event.at, moderation: event.moderation } }
                : { $set: { text: event.text, editedAt: event.at }, $unset: { moderation: '' } },
            },
          });
          break;
        case 'MessageFlagged':
          // A message moderation hid stays hidden; any other gets the flag.
          messageChanges.push({
            updateOne: {
              filter: { ...message(event.target), 'moderation.action': { $ne: 'hidden' } },
              update: { $set: { moderation: { action: 'flagged', reason: event.reason } } },
            },
          });
          break;
        case 'MessageDeleted':
          // The text is gone for good; the sequence stays so history has no holes.
          messageChanges.push({
            updateOne: { filter: message(event.target), update: { $set: { deleted: true, text: '' } } },
          });
          break;
        case 'ReactionAdded':
          messageChanges.push({
            updateOne: {
              filter: message(event.target),
              update: { $addToSet: { reactions: `${event.emoji} ${event.by}` } },
            },
          });
          break;
        case 'ReactionRemoved':
          messageChanges.push({
            updateOne: {
              filter: message(event.target),
              update: { $pull: { reactions: `${event.emoji} ${event.by}` } },
            },
          });
          break;
      }
    }
    if (inserts.length > 0) await ignoreDuplicates(this.messages.insertMany(inserts, { ordered: false }));
    await bulkWriteInChunks(this.messages, messageChanges);
    await bulkWriteInChunks(this.memberships, membershipChanges);
    await bulkWriteInChunks(this.invitations, invitationChanges);
    await bulkWriteInChunks(this.rooms, roomChanges);
    // Pending only once the events' own writes are in (a parked event leaves no activity).
    mergeInto(this.#activity, activity);
  }

  /**
   * Writes the pending activity, one `$max` per room: its count and its
   * authors' watermarks in one statement, so a new count never shows an
   * author their own message as unread. A room that is gone (closed) matches nothing.
   */
  async #writeActivity(): Promise<void> {
    const activity = new Map(this.#activity);
    this.#activity.clear();
    try {
      await bulkWriteInChunks(this.rooms, roomMaxWrites(activity));
    } catch (err) {
      mergeInto(this.#activity, activity); // kept for the retry, under anything applied since
      throw err;
    }
  }

  /**
   * A page of a room's messages by sequence cursor: `before` gives the newest
   * ones below it (newest first), `after` the oldest ones above it (oldest
   * first); neither gives the newest page.
   */
  async history(room: string, page: { before?: number; after?: number; limit: number }): Promise<Message[]> {
    const filter =
      page.after !== undefined
        ? { room, seq: { $gt: page.after } }
        : page.before !== undefined
          ? { room, seq: { $lt: page.before } }
          : { room };
    const docs = await this.messages
      .find(filter)
      .sort({ seq: page.after !== undefined ? 1 : -1 })
      .limit(page.limit)
      .toArray();
    return docs.map(toMessage);
  }

  /** History's rows of some of a room's messages, by sequence: what each shows now (see served-events). */
  async currentMessages(room: string, seqs: number[]): Promise<Map<number, CurrentMessage>> {
    if (seqs.length === 0) return new Map();
    const docs = await this.messages
      .find(
        { _id: { $in: seqs.map((seq) => `${room}#${seq}`) } },
        { projection: { seq: 1, text: 1, deleted: 1, editedAt: 1, moderation: 1 } },
      )
      .toArray();
    return new Map(docs.map(({ seq, _id: _ignored, ...now }) => [seq, now]));
  }

  /**
   * Messages in the user's rooms that contain every word of `text`, newest
   * first; hidden messages only for their author.
   */
  async search(user: string, text: string, limit: number): Promise<Message[]> {
    const words = wordsFilter(text, ['text']);
    if (!words) return [];
    const rooms = (await this.memberships.find({ user }).toArray()).map((m) => m.room);
    if (rooms.length === 0) return [];
    const docs = await this.messages
      .find({
        room: { $in: rooms },
        deleted: false,
        $or: [{ 'moderation.action': { $ne: 'hidden' } }, { author: user }],
        ...words,
      } as never)
      .sort({ at: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toMessage);
  }

  /** The rooms a user belongs to, most recently active first, with their read watermark and unread count. */
  async roomsOf(
    user: string,
  ): Promise<(Omit<RoomDoc, 'authors'> & { role: Role; readSeq: number; unread: number })[]> {
    const memberships = await this.memberships.find({ user }).toArray();
    if (memberships.length === 0) return [];
    const byRoom = new Map(memberships.map((m) => [m.room, m]));
    const rooms = await this.rooms
      .find({ _id: { $in: [...byRoom.keys()] } }, { projection: roomFieldsFor(user) })
      .sort({ lastActivityAt: -1 })
      .toArray();
    return rooms.map(({ authors, ...r }) => {
      const member = byRoom.get(r._id)!;
      const { readSeq, readN } = watermarkOf(member, { authors }, user);
      return { ...r, role: member.role, readSeq, unread: unreadCount(r, readN) };
    });
  }

  /** A user's pending invitations, newest first, with the rooms' names. */
  async invitationsOf(
    user: string,
  ): Promise<{ room: string; name: string; kind: RoomKind; by: string; at: number }[]> {
    const invitations = await this.invitations.find({ user }).sort({ at: -1 }).limit(500).toArray();
    if (invitations.length === 0) return [];
    const rooms = await this.rooms
      .find({ _id: { $in: invitations.map((i) => i.room) } }, { projection: { name: 1, kind: 1 } })
      .toArray();
    const byId = new Map(rooms.map((r) => [r._id, r]));
    return invitations.flatMap(({ room, by, at }) => {
      const found = byId.get(room);
      return found ? [{ room, name: found.name, kind: found.kind, by, at }] : [];
    });
  }

  /** Every message a user wrote (their data export), oldest first. */
  async authoredBy(user: string): Promise<Message[]> {
    const docs = await this.messages.find({ author: user }).sort({ at: 1 }).toArray();
    return docs.map(toMessage);
  }

  /** Erases the texts of a user's messages and the author's id, and their invitations either way (account deletion); answers the (room, seq) pairs. */
  async anonymise(user: string): Promise<{ room: string; seq: number }[]> {
    await this.invitations.deleteMany({ $or: [{ user }, { by: user }] });
    const docs = await this.messages.find({ author: user }, { projection: { room: 1, seq: 1 } }).toArray();
    await bulkWriteInChunks(
      this.messages,
      docs.map(({ _id }) => ({
        updateOne: {
          filter: { _id },
          update: { $set: { text: '', author: deletedAuthor }, $unset: { moderation: '' } },
        },
      })),
    );
    return docs.map(({ room, seq }) => ({ room, seq }));
  }

  /** The ids of the rooms a user belongs to (whom presence changes go to). */
  async roomIdsOf(user: string): Promise<string[]> {
    return (await this.roomIdsOfMany([user]))[user]!;
  }

  /** The rooms of each user, in one read (every user is a key, with [] when in no room). */
  async roomIdsOfMany(users: string[]): Promise<Record<string, string[]>> {
    const rooms: Record<string, string[]> = Object.fromEntries(users.map((user) => [user, []]));
    const memberships = this.memberships.find({ user: { $in: users } }, { projection: { user: 1, room: 1 } });
    for await (const { user, room } of memberships) rooms[user]?.push(room);
    return rooms;
  }

  /** One member's unread count and watermark in one room; undefined when not a member (yet). */
  async unread(user: string, room: string): Promise<{ readSeq: number; unread: number } | undefined> {
    const [membership, roomDoc] = await Promise.all([
      this.memberships.findOne({ _id: `${user}#${room}` }),
      this.rooms.findOne({ _id: room }, { projection: roomFieldsFor(user) }),
    ]);
    if (!membership || !roomDoc) return undefined;
    const { readSeq, readN } = watermarkOf(membership, roomDoc, user);
    return { readSeq, unread: unreadCount(roomDoc, readN) };
  }

  /**
   * Moves a member's watermark up to the newest message at or below `seq`
   * that the read model holds (never down, never past what is projected);
   * answers where it is now, whether it moved, and the unread count from
   * there (undefined while the read model has not caught up).
   */
  async markRead(
    user: string,
    room: string,
    seq: number,
  ): Promise<{ seq: number; moved: boolean; unread?: number }> {
    const _id = `${user}#${room}`;
    const [membership, roomDoc] = await Promise.all([
      this.memberships.findOne({ _id }),
      this.rooms.findOne({ _id: room }, { projection: roomFieldsFor(user) }),
    ]);
    if (!membership || !roomDoc) return { seq: 0, moved: false };
    const current = watermarkOf(membership, roomDoc, user);
    const unmoved = { seq: current.readSeq, moved: false, unread: unreadCount(roomDoc, current.readN) };
    if (seq <= current.readSeq) return unmoved; // nothing at or below seq can move it: no message read needed
    const [last] = await this.messages
      .find({ room, seq: { $lte: seq } }, { projection: { seq: 1, n: 1 } })
      .sort({ seq: -1 })
      .limit(1)
      .toArray();
    if (!last || last.seq <= current.readSeq) return unmoved;
    const readN = Math.max(current.readN, last.n ?? 0);
    await this.memberships.updateOne({ _id }, { $max: { readSeq: last.seq, readN } });
    return { seq: last.seq, moved: true, unread: unreadCount(roomDoc, readN) };
  }

  /** Every member's watermark in a room, furthest read first (who has seen what). */
  async receipts(room: string, limit: number): Promise<Receipt[]> {
    const [docs, roomDoc] = await Promise.all([
      this.memberships
        .find({ room }, { projection: { user: 1, readSeq: 1 } })
        .sort({ readSeq: -1 })
        .limit(limit)
        .toArray(),
      this.rooms.findOne({ _id: room }, { projection: { authors: 1 } }),
    ]);
    return furthestRead(
      docs.map((m) => ({ user: m.user, seq: m.readSeq ?? 0 })),
      roomDoc?.authors ?? {},
      limit,
    );
  }
}

/** Messages after the member's watermark (its ordinal `readN`); rooms from before unread counts count from zero. */
export const unreadCount = (room: Pick<RoomDoc, 'messageCount'>, readN: number): number =>
  Math.max(0, (room.messageCount ?? 0) - readN);

/** A room's fields as one member reads them: its own entry of the room's authors, not everyone's. */
const roomFieldsFor = (user: string) => ({
  kind: 1,
  name: 1,
  lastSeq: 1,
  lastActivityAt: 1,
  messageCount: 1,
  [`authors.${user}`]: 1,
});

/** A member's watermark: the one they moved, or their own newest message in the room where that is further. */
export function watermarkOf(
  member: Pick<MembershipDoc, 'readSeq' | 'readN'>,
  room: Pick<RoomDoc, 'authors'>,
  user: string,
): { readSeq: number; readN: number } {
  const mine = room.authors ? own(room.authors, user) : undefined;
  return {
    readSeq: Math.max(member.readSeq ?? 0, mine?.seq ?? 0),
    readN: Math.max(member.readN ?? 0, mine?.n ?? 0),
  };
}

/**
 * The `limit` furthest watermarks: the furthest moved ones (enough, as each
 * member's own counts only if further) merged with the authors' own.
 */
export function furthestRead(
  moved: Receipt[],
  authors: Record<string, { seq: number }>,
  limit: number,
): Receipt[] {
  const seqs = new Map(moved.map((r) => [r.user, r.seq]));
  for (const [user, own] of Object.entries(authors)) seqs.set(user, Math.max(seqs.get(user) ?? 0, own.seq));
  return [...seqs]
    .map(([user, seq]) => ({ user, seq }))
    .sort((a, b) => b.seq - a.seq)
    .slice(0, limit);
}

export function toMessage(doc: MessageDoc): Message {
  // A Map, not an object: an emoji is the user's choice, `constructor` and `__proto__` included.
  const reactions = new Map<string, string[]>();
  for (const pair of doc.reactions) {
    const space = pair.lastIndexOf(' ');
    const emoji = pair.slice(0, space);
    reactions.set(emoji, [...(reactions.get(emoji) ?? []), pair.slice(space + 1)]);
  }
  const { _id: _ignored, reactions: _pairs, ...rest } = doc;
  return { ...rest, reactions: recordOf(reactions) };
}

/** Raises each field of a pending `$max` write to `fields`' value where that is higher. */
export function raise(pending: Maxima, key: string, fields: Record<string, number>): void {
  const current = pending.get(key);
  if (!current) {
    pending.set(key, { ...fields });
    return;
  }
  for (const [field, value] of Object.entries(fields))
    current[field] = Math.max(current[field] ?? value, value);
}

/** One `$max` update per pending room (its fields include dotted `authors.<user>.*` paths). */
function roomMaxWrites(pending: Maxima): AnyBulkWriteOperation<RoomDoc>[] {
  return [...pending].map(([_id, fields]) => ({
    updateOne: { filter: { _id }, update: { $max: fields as Partial<RoomDoc> } },
  }));
}

/** Forgets a room's pending fields under `prefix` (a member who left: nothing of theirs is written back). */
function dropFields(pending: Maxima, key: string, prefix: string): void {
  const fields = pending.get(key);
  if (!fields) return;
  for (const field of Object.keys(fields)) if (field.startsWith(prefix)) delete fields[field];
}

function mergeInto(target: Maxima, source: Maxima): void {
  for (const [key, fields] of source) raise(target, key, fields);
}
