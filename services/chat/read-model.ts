import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { PublishedEvent } from '../actors/envelope.js';
import type { RoomEvent, RoomKind, Role } from './room-model.js';

// The chat read model: what clients page through and list, kept up to date
// from room events by a projection. Every write is idempotent, so a replayed
// event changes nothing.

export interface MessageDoc {
  _id: string; // `${room}#${seq}`
  room: string;
  seq: number;
  author: string;
  text: string;
  at: number;
  editedAt?: number;
  deleted: boolean;
  /** `${emoji} ${user}` pairs: flat strings work with $addToSet/$pull on MongoDB and FerretDB alike. */
  reactions: string[];
}

export interface RoomDoc {
  _id: string;
  kind: RoomKind;
  name: string;
  lastSeq: number;
  lastActivityAt: number;
}

export interface MembershipDoc {
  _id: string; // `${user}#${room}`
  user: string;
  room: string;
  role: Role;
  joinedAt: number;
}

/** A message as the API returns it: reactions grouped by emoji. */
export type Message = Omit<MessageDoc, '_id' | 'reactions'> & { reactions: Record<string, string[]> };

export class ChatReadModel {
  readonly messages: Collection<MessageDoc>;
  readonly rooms: Collection<RoomDoc>;
  readonly memberships: Collection<MembershipDoc>;

  constructor(db: Db) {
    this.messages = db.collection('chat_messages');
    this.rooms = db.collection('chat_rooms');
    this.memberships = db.collection('chat_memberships');
  }

  async ensureIndexes(): Promise<void> {
    await this.messages.createIndex({ room: 1, seq: -1 }, { unique: true, name: 'room_seq' });
    await this.memberships.createIndex({ user: 1, room: 1 }, { name: 'user_rooms' });
    await this.rooms.createIndex({ lastActivityAt: -1 }, { name: 'activity' });
  }

  /** Applies one room event (a projection handler). Idempotent. */
  async apply(published: PublishedEvent): Promise<void> {
    const room = published.actorId;
    const seq = published.version;
    const event = published.data as unknown as RoomEvent;
    if (event.type !== 'RoomCreated') {
      await this.rooms.updateOne({ _id: room }, { $max: { lastSeq: seq, lastActivityAt: event.at } });
    }
    switch (event.type) {
      case 'RoomCreated':
        await this.rooms.updateOne(
          { _id: room },
          { $set: { kind: event.kind, name: event.name }, $max: { lastSeq: seq, lastActivityAt: event.at } },
          { upsert: true },
        );
        return;
      case 'MemberJoined':
        await this.memberships.updateOne(
          { _id: `${event.user}#${room}` },
          { $set: { user: event.user, room, role: event.role, joinedAt: event.at } },
          { upsert: true },
        );
        return;
      case 'MemberLeft':
      case 'MemberRemoved':
        await this.memberships.deleteOne({ _id: `${event.user}#${room}` });
        return;
      case 'MemberInvited':
        return;
      case 'MessageSent':
        await ignoreDuplicate(
          this.messages.insertOne({
            _id: `${room}#${seq}`,
            room,
            seq,
            author: event.author,
            text: event.text,
            at: event.at,
            deleted: false,
            reactions: [],
          }),
        );
        return;
      case 'MessageEdited':
        await this.messages.updateOne(
          { _id: `${room}#${event.target}` },
          { $set: { text: event.text, editedAt: event.at } },
        );
        return;
      case 'MessageDeleted':
        // The text is gone for good; the sequence stays so history has no holes.
        await this.messages.updateOne(
          { _id: `${room}#${event.target}` },
          { $set: { deleted: true, text: '' } },
        );
        return;
      case 'ReactionAdded':
        await this.messages.updateOne(
          { _id: `${room}#${event.target}` },
          { $addToSet: { reactions: `${event.emoji} ${event.by}` } },
        );
        return;
      case 'ReactionRemoved':
        await this.messages.updateOne(
          { _id: `${room}#${event.target}` },
          { $pull: { reactions: `${event.emoji} ${event.by}` } },
        );
        return;
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

  /** The rooms a user belongs to, most recently active first. */
  async roomsOf(user: string): Promise<(RoomDoc & { role: Role })[]> {
    const memberships = await this.memberships.find({ user }).toArray();
    if (memberships.length === 0) return [];
    const roles = new Map(memberships.map((m) => [m.room, m.role]));
    const rooms = await this.rooms
      .find({ _id: { $in: [...roles.keys()] } })
      .sort({ lastActivityAt: -1 })
      .toArray();
    return rooms.map((r) => ({ ...r, role: roles.get(r._id)! }));
  }
}

export function toMessage(doc: MessageDoc): Message {
  const reactions: Record<string, string[]> = {};
  for (const pair of doc.reactions) {
    const space = pair.lastIndexOf(' ');
    (reactions[pair.slice(0, space)] ??= []).push(pair.slice(space + 1));
  }
  const { _id: _ignored, reactions: _pairs, ...rest } = doc;
  return { ...rest, reactions };
}

async function ignoreDuplicate(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!(err instanceof MongoServerError && err.code === 11000)) throw err;
  }
}
