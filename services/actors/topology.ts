import { RetentionPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

// Names of everything the runtime keeps on NATS, in one place.

export const subjects = {
  /** A command for one actor: its mailbox, on the type's command stream. */
  command: (type: string, partition: number, actorId: string) => `actor.cmd.${type}.${partition}.${actorId}`,
  partitionCommands: (type: string, partition: number) => `actor.cmd.${type}.${partition}.>`,
  /** An event an actor emitted, on the type's event stream. */
  event: (type: string, actorId: string) => `actor.evt.${type}.${actorId}`,
  allEvents: (type: string) => `actor.evt.${type}.>`,
  /** Where the result of a command is announced (core NATS). */
  reply: (commandId: string) => `actor.reply.${commandId}`,
  /** Where a result goes when the caller gave a reply address (`<inbox>.<key>`, see ActorClient); of an inbox alone, the prefix of all its addresses. */
  replyTo: (address: string) => `actor.reply.${address}`,
  /** Requests to whichever replica owns a partition: results of past commands, queries. */
  control: (type: string, partition: number) => `actor.ctl.${type}.${partition}`,
  parked: (type: string) => `actor.parked.${type}`,
  /** Where the replica consuming a projection answers `settled()` for the other replicas (core NATS). */
  projectionSettled: (name: string) => `metachat.projection.${name}.settled`,
};

/** How long parked messages are kept, and how many bytes of them at most. */
export const parkedRetentionMs = 14 * 24 * 3_600_000;
export const parkedMaxBytes = 1024 * 1024 * 1024;

export const streams = {
  commands: (type: string) => `ACTOR_CMD_${type.toUpperCase()}`,
  events: (type: string) => `ACTOR_EVT_${type.toUpperCase()}`,
  parked: 'ACTOR_PARKED',
};

export const consumerName = (type: string, partition: number) => `cmd-${type}-p${partition}`;
export const leaseBucket = (type: string) => `actor_leases_${type}`;
/** The lease of a projection (by its durable name): who of the replicas consumes it. */
export const projectionLeaseBucket = (name: string) => `projection_${name.replace(/[^a-zA-Z0-9_-]/g, '_')}`;

export interface TopologyOptions {
  /** How long JetStream remembers a Nats-Msg-Id to drop a re-sent command or event. */
  duplicateWindowMs: number;
}

const ns = (ms: number) => ms * 1_000_000;

export const defaultDuplicateWindowMs = 120_000;

/** Creates (or updates) the streams an actor type needs. Idempotent. */
export async function ensureStreams(
  jsm: JetStreamManager,
  type: string,
  options: TopologyOptions,
): Promise<void> {
  const wanted = [
    {
      name: streams.commands(type),
      subjects: [`actor.cmd.${type}.>`],
      retention: RetentionPolicy.Workqueue,
      duplicate_window: ns(options.duplicateWindowMs),
    },
    {
      name: streams.events(type),
      subjects: [subjects.allEvents(type)],
      retention: RetentionPolicy.Limits,
      duplicate_window: ns(options.duplicateWindowMs),
    },
    // Parked messages carry people's texts: kept for an operator to look into, not for ever.
    {
      name: streams.parked,
      subjects: ['actor.parked.>'],
      retention: RetentionPolicy.Limits,
      max_age: ns(parkedRetentionMs),
      max_bytes: parkedMaxBytes,
    },
  ];
  for (const config of wanted) {
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch {
      await jsm.streams.add(config).catch(async (err: unknown) => {
        // Another replica created it a moment ago.
        await jsm.streams.info(config.name).catch(() => {
          throw err;
        });
      });
    }
  }
}

/** A bucket of leases: what is not renewed within `ttlMs` expires. */
export function leaseKv(nc: NatsConnection, bucket: string, ttlMs: number): Promise<KV> {
  return new Kvm(nc).create(bucket, { history: 1, ttl: ttlMs });
}
