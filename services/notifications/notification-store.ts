import { MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import type { Notification, TextChange } from './notify.js';

type NotificationDoc = Omit<Notification, 'id'> & { _id: string };

const toNotification = ({ _id, ...rest }: NotificationDoc): Notification => ({ id: _id, ...rest });

/** Stored notifications; the id is (user, room, seq), so a redelivered message stores nothing new. */
export class NotificationStore {
  readonly collection: Collection<NotificationDoc>;

  constructor(db: Db) {
    this.collection = db.collection('notifications');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ user: 1, at: -1 }, { name: 'user_at' });
  }

  /** Stores the new ones; answers those that were not stored before (to push). */
  async add(notifications: Notification[]): Promise<Notification[]> {
    if (notifications.length === 0) return [];
    const docs = notifications.map(({ id, ...rest }) => ({ _id: id, ...rest }));
    try {
      await this.collection.insertMany(docs, { ordered: false });
      return notifications;
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = [err.writeErrors].flat();
      if (!errors.every((e) => e.code === 11000)) throw err;
      const duplicates = new Set(errors.map((e) => e.index));
      return notifications.filter((_, i) => !duplicates.has(i));
    }
  }

  async list(user: string, options: { unreadOnly: boolean; limit: number }): Promise<Notification[]> {
    const filter = options.unreadOnly ? { user, read: false } : { user };
    const docs = await this.collection.find(filter).sort({ at: -1 }).limit(options.limit).toArray();
    return docs.map(toNotification);
  }

  async unreadCount(user: string): Promise<number> {
    return this.collection.countDocuments({ user, read: false });
  }

  /** Marks some (by id) or all of a user's notifications read; answers how many changed. */
  async markRead(user: string, ids: string[] | 'all'): Promise<number> {
    const filter = ids === 'all' ? { user, read: false } : { user, read: false, _id: { $in: ids } };
    return (await this.collection.updateMany(filter, { $set: { read: true } })).modifiedCount;
  }

  /** Notifications of edited or deleted messages show what the room shows now. */
  async changeText(changes: TextChange[]): Promise<void> {
    for (const { room, seq, excerpt } of changes)
      await this.collection.updateMany({ room, seq }, { $set: { excerpt } });
  }

  /** Every notification of a user, newest first (their data export). */
  async all(user: string): Promise<Notification[]> {
    return (await this.collection.find({ user }).sort({ at: -1 }).toArray()).map(toNotification);
  }

  /** A deleted account: its notifications go, and others' notifications of its messages lose their text. */
  async forget(user: string): Promise<void> {
    await this.collection.deleteMany({ user });
    await this.collection.updateMany({ from: user }, { $set: { from: 'deleted', excerpt: '' } });
  }
}
