import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import type { Logger } from '../kit/log.js';
import { EventStore } from './event-store.js';
import { GroupCommit } from './group-commit.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import { SnapshotWriter } from './snapshot-writer.js';
import { PartitionLeases } from './leases.js';
import { createActorMetrics } from './metrics.js';
import { PartitionWorker, type RuntimeSettings } from './partition-worker.js';
import { defaultDuplicateWindowMs, ensureStreams, leaseBucket, leaseKv } from './topology.js';
import type { AnyActorType } from './types.js';

export interface HostOptions {
  /** Unique per replica (e.g. the pod name). */
  replicaId: string;
  /** Partitions per actor type; every replica and caller must agree on it. */
  partitions: number;
  leaseTtlMs: number;
  duplicateWindowMs: number;
  settings: RuntimeSettings;
}

export const defaultHostOptions: Omit<HostOptions, 'replicaId'> = {
  partitions: 16,
  leaseTtlMs: 10_000,
  duplicateWindowMs: defaultDuplicateWindowMs,
  settings: {
    batchMax: 256,
    recentLimit: 2_000,
    snapshotEvery: 500,
    idleMs: 60_000,
    maxActivePerPartition: 5_000,
    ackWaitMs: 15_000,
    maxDeliver: 10,
  },
};

export interface HostDeps {
  nc: NatsConnection;
  db: Db;
  types: AnyActorType[];
  log: Logger;
  registry: Registry;
  options: HostOptions;
}

/**
 * Hosts actor types in one replica of a service: for each type it keeps
 * partition leases and runs a PartitionWorker for every partition it holds.
 */
export class ActorHost {
  private constructor(
    private readonly leases: Map<string, PartitionLeases>,
    private readonly workers: Map<string, PartitionWorker>,
  ) {}

  static async start(deps: HostDeps): Promise<ActorHost> {
    const { nc, db, types, log, registry, options } = deps;
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const publisher = new JetStreamPublisher(nc);
    const store = new EventStore(db);
    await store.ensureIndexes();
    const metrics = createActorMetrics(registry);
    const appends = new GroupCommit(store);
    const snapshots = new SnapshotWriter(store, log);
    const leases = new Map<string, PartitionLeases>();
    const workers = new Map<string, PartitionWorker>();
    const host = new ActorHost(leases, workers);

    for (const type of types) {
      await ensureStreams(jsm, type.name, { duplicateWindowMs: options.duplicateWindowMs });
      const kv = await leaseKv(nc, leaseBucket(type.name), options.leaseTtlMs);
      const typeLog = log.child({ actorType: type.name });
      const key = (p: number) => `${type.name}/${p}`;
      const lease: PartitionLeases = new PartitionLeases(
        kv,
        { self: options.replicaId, partitions: options.partitions, ttlMs: options.leaseTtlMs },
        {
          acquired: async (partition) => {
            const worker = new PartitionWorker({
              type,
              partition,
              nc,
              js,
              jsm,
              publisher,
              store,
              appends,
              snapshots,
              settings: options.settings,
              metrics,
              log: typeLog,
              holdsLease: () => lease.holds(partition),
            });
            workers.set(key(partition), worker);
            metrics.partitions.inc({ type: type.name });
            await worker.start();
          },
          released: async (partition) => {
            const worker = workers.get(key(partition));
            workers.delete(key(partition));
            metrics.partitions.dec({ type: type.name });
            await worker?.stop();
          },
        },
        typeLog,
      );
      leases.set(type.name, lease);
    }
    await Promise.all([...leases.values()].map((l) => l.start()));
    return host;
  }

  owned(type: string): number[] {
    return this.leases.get(type)?.owned() ?? [];
  }

  /** Finishes the turns in progress, then hands every partition back. */
  async stop(): Promise<void> {
    await Promise.all([...this.leases.values()].map((l) => l.stop()));
  }
}
