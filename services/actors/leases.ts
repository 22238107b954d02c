import type { KV } from '@nats-io/kv';
import type { Logger } from '../kit/log.js';
import { partitionsFor } from './partitioning.js';

/** What the lease keeper tells its owner: start or stop working a partition. */
export interface LeaseListener {
  acquired(partition: number): Promise<void> | void;
  /** Called before the lease is given up (drain here) or after it was lost. */
  released(partition: number, reason: 'rebalance' | 'lost' | 'shutdown'): Promise<void> | void;
}

export interface LeaseOptions {
  self: string;
  partitions: number;
  /** A lease not renewed for this long expires (the KV bucket's TTL). */
  ttlMs: number;
}

interface Held {
  revision: number;
  renewedAt: number;
}

const leaseKey = (p: number) => `partition.${p}`;
const memberKey = (id: string) => `member.${id}`;

/**
 * Partition ownership through leases in a NATS KV bucket whose TTL expires
 * what is not renewed. Every tick a replica announces itself, computes the
 * partitions it should own among the live members (rendezvous hashing),
 * renews what it holds with compare-and-set, hands back what another live
 * member should own, and creates leases for free partitions that are its own.
 * A replica that dies stops renewing; within a TTL its partitions are free
 * and the survivors take them.
 */
export class PartitionLeases {
  readonly #held = new Map<number, Held>();
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    private readonly kv: KV,
    private readonly options: LeaseOptions,
    private readonly listener: LeaseListener,
    private readonly log: Logger,
  ) {}

  /** True while this replica holds a lease it renewed recently enough to act on (self-fencing). */
  holds(partition: number, now = Date.now()): boolean {
    const held = this.#held.get(partition);
    return held !== undefined && now - held.renewedAt < this.options.ttlMs * 0.8;
  }

  owned(): number[] {
    return [...this.#held.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    await this.#runTick();
    const every = Math.max(50, Math.floor(this.options.ttlMs / 4));
    this.#timer = setInterval(() => void this.#runTick(), every);
  }

  /** Releases every lease (after the listener drained each) so others take over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#tick;
    await Promise.all(this.owned().map((p) => this.#release(p, 'shutdown')));
    await this.kv.delete(memberKey(this.options.self)).catch(() => undefined);
  }

  #runTick(): Promise<void> {
    this.#tick = this.#tick
      .then(() => (this.#stopped ? undefined : this.#balance()))
      .catch((err: unknown) => {
        this.log.warn('lease tick failed', { error: err });
      });
    return this.#tick;
  }

  async #balance(): Promise<void> {
    const { self, partitions } = this.options;
    await this.kv.put(memberKey(self), String(Date.now()));
    const members = await this.#liveMembers();
    const wanted = partitionsFor(self, members, partitions);

    for (const [partition, held] of [...this.#held]) {
      try {
        const revision = await this.kv.update(leaseKey(partition), self, held.revision);
        this.#held.set(partition, { revision, renewedAt: Date.now() });
      } catch {
        this.#held.delete(partition);
        this.log.warn('partition lease lost', { partition });
        await this.listener.released(partition, 'lost');
        continue;
      }
      if (!wanted.has(partition)) await this.#release(partition, 'rebalance');
    }

    for (const partition of wanted) {
      if (this.#held.has(partition) || this.#stopped) continue;
      try {
        const revision = await this.kv.create(leaseKey(partition), self);
        this.#held.set(partition, { revision, renewedAt: Date.now() });
      } catch {
        continue; // still held by its previous owner; it will hand it over or expire
      }
      this.log.info('partition acquired', { partition });
      await this.listener.acquired(partition);
    }
  }

  async #liveMembers(): Promise<string[]> {
    const members: string[] = [];
    for await (const key of await this.kv.keys('member.*')) members.push(key.slice('member.'.length));
    return members;
  }

  async #release(partition: number, reason: 'rebalance' | 'shutdown'): Promise<void> {
    const held = this.#held.get(partition);
    if (!held) return;
    await this.listener.released(partition, reason);
    this.#held.delete(partition);
    await this.kv.delete(leaseKey(partition), { previousSeq: held.revision }).catch(() => undefined);
    this.log.info('partition released', { partition, reason });
  }
}
