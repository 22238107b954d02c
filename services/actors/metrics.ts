import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The runtime's Prometheus metrics, labelled by actor type. */
export interface ActorMetrics {
  commands: Counter<'type' | 'outcome'>;
  commandSeconds: Histogram<'type'>;
  batchSize: Histogram<'type'>;
  active: Gauge<'type'>;
  partitions: Gauge<'type'>;
  parked: Counter<'type' | 'reason'>;
  conflicts: Counter<'type'>;
  republished: Counter<'type'>;
}

export function createActorMetrics(registry: Registry): ActorMetrics {
  const registers = [registry];
  return {
    commands: new Counter({
      name: 'actor_commands_total',
      help: 'Commands handled, by outcome (accepted, rejected, duplicate)',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    commandSeconds: new Histogram({
      name: 'actor_command_duration_seconds',
      help: 'From receipt on the mailbox to the stored result',
      labelNames: ['type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    batchSize: new Histogram({
      name: 'actor_batch_commands',
      help: 'Commands decided together in one turn of one actor',
      labelNames: ['type'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    }),
    active: new Gauge({ name: 'actor_active', help: 'Activated actors', labelNames: ['type'], registers }),
    partitions: new Gauge({
      name: 'actor_partitions_owned',
      help: 'Partitions this replica holds a lease on',
      labelNames: ['type'],
      registers,
    }),
    parked: new Counter({
      name: 'actor_parked_total',
      help: 'Poison commands and events set aside on the parked stream',
      labelNames: ['type', 'reason'],
      registers,
    }),
    conflicts: new Counter({
      name: 'actor_concurrency_conflicts_total',
      help: 'Appends refused because another writer had moved the stream',
      labelNames: ['type'],
      registers,
    }),
    republished: new Counter({
      name: 'actor_events_republished_total',
      help: 'Stored events published on activation because an earlier publish never happened',
      labelNames: ['type'],
      registers,
    }),
  };
}
