import type { Collection, Db } from 'mongodb';
import { userIdPattern } from '../actors/command-fields.js';
import { validationFailed } from '../kit/api-error.js';

// Who blocked whom. A blocked user cannot open or write in a direct
// conversation with the blocker, and the blocker does not see their messages.

interface BlockDoc {
  _id: string; // `${by}#${user}`
  by: string;
  user: string;
  at: number;
}

/** Core NATS subject told when a user's block list changes (gateways drop their copy). */
export const blocksChangedSubject = (user: string) => `identity.blocks.changed.${user}`;

export const maxBlocks = 10_000;

export class Blocks {
  readonly collection: Collection<BlockDoc>;

  constructor(db: Db) {
    this.collection = db.collection('blocks');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ by: 1 }, { name: 'by' });
  }

  /** Blocks or unblocks; answers whether anything changed. */
  async set(by: string, raw: { user?: unknown; blocked?: unknown }, at: number): Promise<boolean> {
    const user = raw.user;
    if (typeof user !== 'string' || !userIdPattern.test(user))
      throw validationFailed('user must be a user id', { field: 'user' });
    if (user === by) throw validationFailed('you cannot block yourself', { field: 'user' });
    if (typeof raw.blocked !== 'boolean')
      throw validationFailed('blocked must be true or false', { field: 'blocked' });
    const _id = `${by}#${user}`;
    if (!raw.blocked) return (await this.collection.deleteOne({ _id })).deletedCount > 0;
    if ((await this.collection.countDocuments({ by })) >= maxBlocks)
      throw validationFailed(`at most ${maxBlocks} blocked users`, { field: 'user' });
    const result = await this.collection.updateOne(
      { _id },
      { $setOnInsert: { by, user, at } },
      { upsert: true },
    );
    return result.upsertedCount > 0;
  }

  /** The users `by` blocked. */
  async of(by: string): Promise<{ user: string; at: number }[]> {
    const docs = await this.collection.find({ by }).sort({ at: 1 }).toArray();
    return docs.map(({ user, at }) => ({ user, at }));
  }

  /** Everything of a user's blocking, both ways (account deletion). */
  async forget(user: string): Promise<void> {
    await this.collection.deleteMany({ $or: [{ by: user }, { user }] });
  }
}
