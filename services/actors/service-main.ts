import { type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { connectNats } from '../kit/nats-connect.js';
import { MongoClient, type Db } from 'mongodb';
import { Gauge, type Registry } from 'prom-client';
import { hostname } from 'node:os';
import { setting } from '../kit/config.js';
import { connectionSettings } from '../kit/connection-settings.js';
import type { ReadinessCheck } from '../kit/ops-server.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { ActorHost, defaultHostOptions } from './actor-host.js';
import type { PublishedEvent } from './envelope.js';
import { startProjection, type Projection, type WriteBehind } from './projection.js';
import type { AnyActorType } from './types.js';

const d = defaultHostOptions;

/** Settings of every service that hosts actors. */
export const actorHostSettings = {
  natsUrl: connectionSettings.natsUrl,
  mongoUrl: connectionSettings.mongoUrl,
  mongoDb: connectionSettings.mongoDb,
  replicaId: setting.string('REPLICA_ID', { default: `${hostname()}-${process.pid}` }),
  partitions: setting.int('ACTOR_PARTITIONS', { default: d.partitions, min: 1, max: 1024 }),
  leaseTtlMs: setting.duration('ACTOR_LEASE_TTL', { default: d.leaseTtlMs }),
  ackWaitMs: setting.duration('ACTOR_ACK_WAIT', { default: d.settings.ackWaitMs }),
  idleMs: setting.duration('ACTOR_IDLE', { default: d.settings.idleMs }),
  snapshotEvery: setting.int('ACTOR_SNAPSHOT_EVERY', { default: d.settings.snapshotEvery, min: 1 }),
};

export type ActorHostConfig = {
  [K in keyof typeof actorHostSettings]: ReturnType<(typeof actorHostSettings)[K]['parse']>;
};

/**
 * Connects to NATS and MongoDB and hosts the given actor types: the start
 * function of a service whose work is actors. Stopping finishes the turns in
 * progress, hands the partitions back and closes the connections.
 */
export async function startActorHost(
  config: ActorHostConfig,
  types: AnyActorType[],
  ctx: ServiceContext,
): Promise<StartedService & { host: ActorHost; nc: NatsConnection; db: Db }> {
  const nc = await connectNats({ servers: config.natsUrl, name: config.replicaId });
  const mongo = await MongoClient.connect(config.mongoUrl);
  const host = await ActorHost.start({
    nc,
    db: mongo.db(config.mongoDb),
    types,
    log: ctx.log,
    registry: ctx.metrics,
    options: {
      ...d,
      replicaId: config.replicaId,
      partitions: config.partitions,
      leaseTtlMs: config.leaseTtlMs,
      settings: {
        ...d.settings,
        ackWaitMs: config.ackWaitMs,
        idleMs: config.idleMs,
        snapshotEvery: config.snapshotEvery,
      },
    },
  });
  return {
    host,
    nc,
    db: mongo.db(config.mongoDb),
    checks: [
      {
        name: 'nats',
        check: () => {
          if (nc.isClosed()) throw new Error('NATS connection closed');
        },
      },
      { name: 'mongodb', check: async () => void (await mongo.db('admin').command({ ping: 1 })) },
    ],
    async stop() {
      await host.stop();
      await nc.drain();
      await mongo.close();
    },
  };
}

/** A read model kept from one actor type's events. */
export interface ActorReadModel {
  ensureIndexes(): Promise<void>;
  applyBatch(events: PublishedEvent[]): Promise<void>;
  /** What it writes behind, coalesced, if anything (see WriteBehind). */
  writeBehind?: WriteBehind;
}

/**
 * The start function of a service that hosts one actor type and keeps one
 * read model from its events: the host, the read model's projection, and the
 * read endpoints `serve` opens (closed first on stop).
 */
export async function startActorService<R extends ActorReadModel>(
  config: ActorHostConfig,
  ctx: ServiceContext,
  service: {
    actor: AnyActorType;
    readModel: (db: Db) => R;
    /** Durable projection name: it resumes where the last one stopped. */
    projection: string;
    /** How long the projection gathers events into one write (see DurableConsumerOptions). */
    projectionLingerMs?: number;
    /** `settled` resolves once the read model holds every event received so far (see Projection). */
    serve: (
      host: { nc: NatsConnection; db: Db },
      readModel: R,
      settled: () => Promise<void>,
    ) => Subscription[];
  },
): Promise<StartedService> {
  const actors = await startActorHost(config, [service.actor], ctx);
  const readModel = service.readModel(actors.db);
  await readModel.ensureIndexes();
  let settled = async (): Promise<void> => undefined; // no projection yet: nothing gathers
  const endpoints = service.serve(actors, readModel, () => settled());
  const projection = await startProjection({
    nc: actors.nc,
    name: service.projection,
    actorType: service.actor.name,
    handleBatch: (events) => readModel.applyBatch(events.map((e) => e.event)),
    ...(readModel.writeBehind ? { writeBehind: readModel.writeBehind } : {}),
    lingerMs: service.projectionLingerMs ?? 0,
    ownershipTtlMs: config.leaseTtlMs,
    replicaId: config.replicaId,
    log: ctx.log,
  });
  settled = () => projection.settled();
  return {
    checks: [...(actors.checks ?? []), projectionCheck(service.projection, projection, ctx.metrics)],
    async stop() {
      for (const sub of endpoints) sub.unsubscribe();
      await projection.stop();
      await actors.stop();
    },
  };
}

/**
 * While a projection waits for its store to come back, the replica is not
 * ready and `projection_store_outage_seconds` says for how long (0 otherwise):
 * the read model lags, nothing is lost.
 */
function projectionCheck(name: string, projection: Projection, registry: Registry): ReadinessCheck {
  const waitedSeconds = () => {
    const since = projection.waitingSince();
    return since === undefined ? 0 : (Date.now() - since) / 1000;
  };
  new Gauge({
    name: 'projection_store_outage_seconds',
    help: 'How long the projection has been waiting for its store to come back (0: it is not)',
    labelNames: ['projection'],
    registers: [registry],
    collect() {
      this.set({ projection: name }, waitedSeconds());
    },
  });
  return {
    name: 'projection',
    check: () => {
      const waited = waitedSeconds();
      if (waited > 0) throw new Error(`projection ${name} has waited ${waited.toFixed(0)} s for its store`);
    },
  };
}
