// Starts actor hosts and clients against the real servers of the test
// environment, with short leases and timeouts so failover tests run quickly.
import { type NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '../../kit/nats-connect.js';
import { MongoClient, type Db } from 'mongodb';
import { Registry } from 'prom-client';
import { createLogger } from '../../kit/log.js';
import { ActorHost, defaultHostOptions, type HostOptions } from '../actor-host.js';
import { ActorClient } from '../client.js';
import { partitionsFor } from '../partitioning.js';
import type { AnyActorType } from '../types.js';

export const fastOptions = (replicaId: string): HostOptions => ({
  ...defaultHostOptions,
  replicaId,
  partitions: 8,
  leaseTtlMs: 1500,
  settings: { ...defaultHostOptions.settings, ackWaitMs: 2000, idleMs: 60_000 },
});

export interface Replica {
  id: string;
  host: ActorHost;
  nc: NatsConnection;
  registry: Registry;
  stop(): Promise<void>;
}

export async function startReplica(
  natsUrl: string,
  db: Db,
  types: AnyActorType[],
  options: HostOptions,
): Promise<Replica> {
  const nc = await connectNats({ servers: natsUrl });
  const registry = new Registry();
  const log = createLogger({
    service: `test-${options.replicaId}`,
    level: (process.env.TEST_LOG_LEVEL as 'error') ?? 'error',
  });
  const host = await ActorHost.start({ nc, db, types, log, registry, options });
  return {
    id: options.replicaId,
    host,
    nc,
    registry,
    async stop() {
      await host.stop();
      await nc.drain();
    },
  };
}

export async function connectClient(
  natsUrl: string,
  partitions: number,
): Promise<{ client: ActorClient; nc: NatsConnection }> {
  const nc = await connectNats({ servers: natsUrl });
  return { client: new ActorClient(nc, partitions), nc };
}

export async function freshDb(mongoUrl: string, name: string): Promise<{ db: Db; mongo: MongoClient }> {
  const mongo = await MongoClient.connect(mongoUrl);
  const db = mongo.db(`${name}_${Date.now().toString(36)}`);
  return { db, mongo };
}

/** Waits until each replica owns exactly the partitions rendezvous hashing gives it. */
export async function balanced(replicas: Replica[], type: string, partitions: number, timeoutMs = 15_000) {
  const ids = replicas.map((r) => r.id);
  const expected = (id: string) =>
    JSON.stringify([...partitionsFor(id, ids, partitions)].sort((a, b) => a - b));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (replicas.every((r) => JSON.stringify(r.host.owned(type)) === expected(r.id))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`partitions of ${type} were not balanced over ${ids.join(', ')} within ${timeoutMs} ms`);
}
