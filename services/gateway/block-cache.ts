import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { blocksChangedSubject } from '../identity/blocks.js';
import { identitySubjects } from '../identity/endpoints.js';
import type { ActorClient } from '../actors/client.js';
import { ApiError } from '../kit/api-error.js';
import { callRpc } from '../kit/rpc.js';

// Block lists as the gateway needs them on every delivery: in memory, loaded
// on first use, dropped when identity says one changed (and after a minute,
// in case that message was missed).

const maxAgeMs = 60_000;

export class BlockCache {
  readonly #lists = new Map<string, { blocked: Promise<Set<string>>; loadedAt: number }>();
  #subscription: Subscription | undefined;
  readonly #listeners = new Set<(user: string) => void>();

  constructor(private readonly nc: NatsConnection) {}

  start(): void {
    this.#subscription = this.nc.subscribe(blocksChangedSubject('*'), {
      callback: (err, msg) => {
        if (err) return;
        const user = msg.subject.slice(blocksChangedSubject('').length);
        this.#lists.delete(user);
        for (const listener of this.#listeners) listener(user);
      },
    });
  }

  close(): void {
    this.#subscription?.unsubscribe();
  }

  /** Calls `listener` with a user whose block list changed. */
  onChange(listener: (user: string) => void): void {
    this.#listeners.add(listener);
  }

  /** The users `user` blocked. */
  blockedBy(user: string): Promise<Set<string>> {
    const cached = this.#lists.get(user);
    if (cached && Date.now() - cached.loadedAt < maxAgeMs) return cached.blocked;
    const blocked = callRpc<{ blocked: { user: string }[] }>(this.nc, identitySubjects.blocks, { user }).then(
      (r) => new Set(r.blocked.map((b) => b.user)),
    );
    blocked.catch(() => this.#lists.delete(user)); // a failed load is not kept
    this.#lists.set(user, { blocked, loadedAt: Date.now() });
    return blocked;
  }

  /** True when either user blocked the other. */
  async between(a: string, b: string): Promise<boolean> {
    const [ofA, ofB] = await Promise.all([this.blockedBy(a), this.blockedBy(b)]);
    return ofA.has(b) || ofB.has(a);
  }
}

/** Refuses a write in a direct conversation when either of its two users blocked the other. */
export class DirectGuard {
  /** A direct room's two users never change: kept once known. */
  readonly #members = new Map<string, string[]>();

  constructor(
    private readonly blocks: BlockCache,
    private readonly actors: ActorClient,
  ) {}

  async check(room: string, user: string): Promise<void> {
    if (!room.startsWith('d_')) return;
    let members = this.#members.get(room);
    if (!members) {
      const summary = await this.actors.query<{ members: Record<string, string> } | null>('room', room, {
        type: 'summary',
      });
      if (!summary) return; // no such room: the room itself answers that
      members = Object.keys(summary.members);
      if (members.length === 2) this.#members.set(room, members);
    }
    const peer = members.find((m) => m !== user);
    if (peer && (await this.blocks.between(user, peer))) throw blockedError();
  }
}

export const blockedError = () =>
  new ApiError('blocked', 403, 'one of you blocked the other: this conversation is closed');

/**
 * Refuses to put `others` into a room of `user`'s when a block stands between
 * `user` and any of them, either way (a block means "keep them away from me").
 */
export async function refuseBlocked(
  blocks: BlockCache,
  user: string,
  others: unknown[],
  field: string,
): Promise<void> {
  const ids = others.filter((o): o is string => typeof o === 'string' && o !== user);
  const between = await Promise.all(ids.map((other) => blocks.between(user, other)));
  if (between.some(Boolean))
    throw new ApiError('blocked', 403, 'someone you add blocked you, or you blocked them', { field });
}
