import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { MongoServerError, type Collection, type Document } from 'mongodb';
import type { Logger } from '../kit/log.js';
import { isTransient } from '../kit/transient.js';
import type { PublishedEvent } from './envelope.js';
import { PartitionLeases } from './leases.js';
import {
  defaultDuplicateWindowMs,
  ensureStreams,
  leaseKv,
  projectionLeaseBucket,
  streams,
  subjects,
} from './topology.js';

export interface ProjectedEvent {
  event: PublishedEvent;
  /** The event's JetStream sequence: its global position. */
  position: number;
}

/** What a projection sets as any durable consumer does (documented on DurableConsumerOptions). */
type ConsumerSettings = Pick<
  DurableConsumerOptions<unknown>,
  | 'nc'
  | 'name'
  | 'writeBehind'
  | 'log'
  | 'batchSize'
  | 'lingerMs'
  | 'maxAttempts'
  | 'ownershipTtlMs'
  | 'replicaId'
>;

export interface ProjectionOptions extends ConsumerSettings {
  actorType: string;
  /**
   * Applies events to the read model, in stream order. Must be idempotent (an
   * event can come twice after a crash): `upsertIfNewer` helps. Give either
   * `handle` (one event at a time) or `handleBatch` (the events that arrived
   * together, so a read model can write them in bulk).
   */
  handle?(event: PublishedEvent, position: number): Promise<void>;
  handleBatch?(events: ProjectedEvent[]): Promise<void>;
}

/**
 * A read model that leaves part of what its batches change pending, to write
 * it coalesced (one write per document for many events), gives `flush`: it is
 * called at most every `everyMs` (or once a batch's worth of events waits), and
 * events are acknowledged only after the flush that follows them, so a crash
 * replays them. The pending writes must be idempotent and order-free (`$max`).
 */
export interface WriteBehind {
  everyMs: number;
  flush(): Promise<void>;
}

export interface Projection {
  stop(): Promise<void>;
  /**
   * Resolves once every event the consuming replica has received is applied
   * (its gathering batch written at once): a read that must see what was just
   * written waits for this first. On a standby replica it asks the consuming
   * one over NATS; with no answer it resolves anyway (a read is never refused
   * for it, it may only lag).
   */
  settled(): Promise<void>;
  /** Since when (ms) this replica has been waiting for its store to come back; undefined when it is not. */
  waitingSince(): number | undefined;
}

/**
 * Keeps a read model up to date from an actor type's events: a durable
 * JetStream consumer, consumed by one replica at a time, delivers them in
 * order; whatever arrived while the previous batch was being written forms
 * the next batch, which is handled and then acked. A failing batch is
 * retried in place (so order holds). An outage of the store (see
 * kit/transient) is waited out however long it lasts, nothing parked;
 * another failure that persists has the batch's events tried one by one and
 * those that still fail parked, so one bad event cannot stop the read model.
 */
export async function startProjection(options: ProjectionOptions): Promise<Projection> {
  const { actorType } = options;
  // A projection may start before any service hosting its actors has made their streams.
  const jsm = await jetstreamManager(options.nc);
  await jsm.streams
    .info(streams.events(actorType))
    .catch(() => ensureStreams(jsm, actorType, { duplicateWindowMs: defaultDuplicateWindowMs }));
  return consumeDurably<PublishedEvent>({
    ...options,
    stream: streams.events(actorType),
    filterSubject: subjects.allEvents(actorType),
    parkedSubject: subjects.parked(actorType),
    handleBatch:
      options.handleBatch ??
      (async (events) => {
        for (const { event, position } of events) await options.handle!(event, position);
      }),
  });
}

export interface DurableConsumerOptions<T> {
  nc: NatsConnection;
  /** Durable name: a consumer resumes where the one of the same name stopped. */
  name: string;
  stream: string;
  filterSubject: string;
  /** Where messages that keep failing are published (then terminated). */
  parkedSubject: string;
  handleBatch(items: { event: T; position: number }[]): Promise<void>;
  writeBehind?: WriteBehind;
  log: Logger;
  /** Most events per batch. */
  batchSize?: number;
  /**
   * How long a batch may gather events before it is written (0: at once).
   * Fewer, larger writes under load; readers that need what was just
   * written call `settled()`, which writes the gathering batch at once.
   */
  lingerMs?: number;
  /**
   * Tries of a failing batch (with backoff) before its events are tried alone
   * and the failing ones parked. Failures that are an outage of the store do
   * not count: those are retried until it is back.
   */
  maxAttempts?: number;
  /** How soon a standby replica takes over after the consuming one stops renewing its lease. */
  ownershipTtlMs?: number;
  /** This replica's name among those that start the projection (unique; a random one by default). */
  replicaId?: string;
}

/**
 * The batching, retrying, parking durable consumer under every projection
 * (see startProjection). Of all the replicas that start the same one, only
 * the holder of its lease consumes: a read model applies the events in stream
 * order, which two consumers sharing the durable would not keep. The others
 * stand by and take over within `ownershipTtlMs` of the owner stopping or
 * dying.
 */
export async function consumeDurably<T>(options: DurableConsumerOptions<T>): Promise<Projection> {
  const ttlMs = options.ownershipTtlMs ?? defaultOwnershipTtlMs;
  const kv = await leaseKv(options.nc, projectionLeaseBucket(options.name), ttlMs);
  let running: Projection | undefined;
  const ownership = new PartitionLeases(
    kv,
    {
      self: options.replicaId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      partitions: 1,
      ttlMs,
    },
    {
      acquired: async () => {
        running = await consumeAsOwner(options);
      },
      released: async () => {
        const stopping = running;
        running = undefined;
        await stopping?.stop();
      },
    },
    options.log,
  );
  await ownership.start();
  // A connection closed for good ends the replica's part (its lease lapses; a standby takes over).
  void options.nc.closed().then(() => ownership.stop().catch(() => undefined));
  return {
    stop: () => ownership.stop(),
    waitingSince: () => running?.waitingSince(),
    async settled() {
      if (running) return running.settled();
      await options.nc
        .request(subjects.projectionSettled(options.name), undefined, { timeout: settleTimeoutMs })
        .catch(() => undefined); // no consumer right now, or it is slow: read what is there
    },
  };
}

/** How long a standby's read waits for the consuming replica to settle. */
const settleTimeoutMs = 2000;

/**
 * When the gathering batch is due: now (0) once it is full, once a reader
 * waits for it, or once its oldest event has waited `lingerMs`; otherwise
 * the milliseconds left. Undefined when nothing gathers.
 */
export function batchDueIn(
  gathering: { count: number; oldestAt: number },
  rules: { batchSize: number; lingerMs: number; readersWaiting: boolean },
  now: number,
): number | undefined {
  if (gathering.count === 0) return undefined;
  if (gathering.count >= rules.batchSize || rules.readersWaiting) return 0;
  return Math.max(0, gathering.oldestAt + rules.lingerMs - now);
}

export const defaultOwnershipTtlMs = 10_000;

/**
 * Opens the durable consumer where its events are next to be applied. A
 * consumer whose previous owner left events delivered but unacked (it died,
 * or stopped with a batch in hand) is made again from just after its ack
 * floor: JetStream would otherwise hand newer events out at once and those
 * only after the ack wait, out of order. The events acked above the floor
 * come again; projections are idempotent.
 */
async function openFromAckFloor(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  const durable = config.durable_name;
  const info = await jsm.consumers.info(stream, durable).catch(() => undefined);
  if (!info) {
    await jsm.consumers.add(stream, { ...config, deliver_policy: DeliverPolicy.All });
  } else if (info.delivered.stream_seq > info.ack_floor.stream_seq) {
    await jsm.consumers.delete(stream, durable);
    await jsm.consumers.add(stream, {
      ...config,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: info.ack_floor.stream_seq + 1,
    });
  } else {
    const { filter_subject, max_ack_pending, ack_wait } = config;
    await jsm.consumers.update(stream, durable, { filter_subject, max_ack_pending, ack_wait });
  }
}

async function consumeAsOwner<T>(options: DurableConsumerOptions<T>): Promise<Projection> {
  const { nc, name, log, handleBatch, writeBehind } = options;
  const batchSize = options.batchSize ?? 500;
  const lingerMs = options.lingerMs ?? 0;
  const maxAttempts = options.maxAttempts ?? 5;
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const { stream } = options;
  const durable = `proj-${name}`;
  await openFromAckFloor(jsm, stream, {
    durable_name: durable,
    filter_subject: options.filterSubject,
    ack_policy: AckPolicy.Explicit,
    max_ack_pending: batchSize * 2,
    ack_wait: 60_000_000_000,
  });
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: batchSize * 2 });

  const asEvents = (batch: JsMsg[]) => batch.map((msg) => ({ event: msg.json<T>(), position: msg.seq }));
  const park = async (msg: JsMsg, err: unknown) => {
    log.error('projection parked an event it could not apply', {
      projection: name,
      position: msg.seq,
      error: err,
    });
    await js.publish(options.parkedSubject, msg.data).catch(() => undefined);
    msg.term('projection failed');
  };
  const stopping = new AbortController();
  const outage = new StoreOutage(name, log);
  /** Every event in hand, so JetStream does not redeliver them while an outage is waited out. */
  const inHand = () => [...pending.map((p) => p.msg), ...(behind?.held ?? [])];
  const retries = { outage, stopping: stopping.signal, maxAttempts, inHand };
  const behind = writeBehind && new HeldForWriteBehind(writeBehind, { name, log, batchSize, retries });
  const settle = (msg: JsMsg) => (behind ? behind.hold(msg) : msg.ack());
  /** Once the owner stops during an outage, what is left stays unacked for the next owner (from the ack floor). */
  let abandoned = false;
  const apply = async (batch: JsMsg[]) => {
    const together = await withRetries(
      () => handleBatch(asEvents(batch)),
      batch,
      retries,
      (error, attempt) =>
        log.warn('projection failed to apply events; retrying', {
          projection: name,
          events: batch.length,
          attempt,
          error,
        }),
    );
    if (together.outcome === 'applied') return batch.forEach(settle);
    if (together.outcome === 'stopped') return void (abandoned = true);
    // It keeps failing: each event alone, and those that fail by themselves are parked.
    for (const msg of batch) {
      const alone = await withRetries(() => handleBatch(asEvents([msg])), [msg], {
        ...retries,
        maxAttempts: 1,
      });
      if (alone.outcome === 'applied') settle(msg);
      else if (alone.outcome === 'failed') await park(msg, alone.error);
      else return void (abandoned = true);
    }
  };

  const writeBehindDue = () => behind?.due() ?? false;
  /** Events received and not yet applied, with when each arrived. */
  const pending: { msg: JsMsg; at: number }[] = [];
  /** Events received and applied (or parked) so far: a reader waits for those received before it came. */
  let [received, applied] = [0, 0];
  let readersWaiting = 0;
  const batchWait = () =>
    batchDueIn(
      { count: pending.length, oldestAt: pending[0]?.at ?? 0 },
      { batchSize, lingerMs, readersWaiting: readersWaiting > 0 },
      Date.now(),
    );
  const workDue = () => batchWait() === 0 || writeBehindDue();
  let flushing: Promise<void> | undefined;
  let timer: { handle: NodeJS.Timeout; at: number } | undefined;
  const drain = async () => {
    while (workDue()) {
      if (batchWait() === 0) {
        const batch = pending.splice(0, batchSize).map((p) => p.msg);
        if (!abandoned) await apply(batch);
        applied += batch.length;
      }
      if (writeBehindDue()) await behind?.writeAndAck();
    }
  };
  /** Starts draining unless a drain runs; one that ends with work due goes on, or sets the timer for what is not due yet. */
  const kick = (): void => {
    if (flushing) return;
    flushing = drain().finally(() => {
      flushing = undefined;
      if (workDue()) kick();
      else schedule();
    });
  };
  /** Wakes up when the gathering batch or the write-behind is next due (the earlier of the two). */
  const schedule = () => {
    const waits = [batchWait(), behind?.msUntilDue()].filter((w): w is number => w !== undefined);
    if (waits.length === 0) return;
    const at = Date.now() + Math.min(...waits);
    if (timer && timer.at <= at) return;
    clearTimeout(timer?.handle);
    timer = {
      at,
      handle: setTimeout(() => {
        timer = undefined;
        kick();
      }, at - Date.now()),
    };
  };
  /** Resolves once the events received before it was called are applied; not later ones, so load cannot hold a reader. */
  const settled = async () => {
    const target = received;
    readersWaiting++;
    try {
      while (applied < target) {
        kick();
        await flushing;
      }
    } finally {
      readersWaiting--;
    }
  };
  const loop = (async () => {
    for await (const msg of messages) {
      pending.push({ msg, at: Date.now() });
      received++;
      if (workDue()) kick();
      else if (!flushing) schedule();
    }
  })();
  const settleRequests = nc.subscribe(subjects.projectionSettled(name), {
    callback: (err, msg) => {
      if (!err) void settled().then(() => msg.respond());
    },
  });
  return {
    settled,
    waitingSince: () => outage.since,
    async stop() {
      stopping.abort(); // an outage is no longer waited out: the next owner takes the events from the ack floor
      settleRequests.unsubscribe();
      await messages.close();
      await loop;
      await settled(); // what was gathering is written, not left for the next owner to redo
      while (flushing) await flushing;
      clearTimeout(timer?.handle);
      await behind?.writeAndAck();
    },
  };
}

/**
 * Applied events held unacked until the write-behind flush after them: due
 * once a batch's worth waits or the interval has passed since the last.
 */
class HeldForWriteBehind {
  readonly #held: JsMsg[] = [];
  #lastWrite = Date.now();

  constructor(
    private readonly writeBehind: WriteBehind,
    private readonly settings: { name: string; log: Logger; batchSize: number; retries: Retries },
  ) {}

  /** The events applied and not yet acked. */
  get held(): readonly JsMsg[] {
    return this.#held;
  }

  hold(msg: JsMsg): void {
    this.#held.push(msg);
  }

  due(now = Date.now()): boolean {
    const { length } = this.#held;
    return (
      length > 0 && (length >= this.settings.batchSize || now - this.#lastWrite >= this.writeBehind.everyMs)
    );
  }

  /** How long until it is due; undefined when nothing is held. */
  msUntilDue(now = Date.now()): number | undefined {
    if (this.#held.length === 0) return undefined;
    return Math.max(0, this.#lastWrite + this.writeBehind.everyMs - now);
  }

  /**
   * Flushes the pending writes, then acks the events they came from. An
   * outage is waited out; after repeated other failures (or a stop during an
   * outage) they stay unacked and come again after the ack wait.
   */
  async writeAndAck(): Promise<void> {
    if (this.#held.length === 0) return;
    const { name, log, retries } = this.settings;
    const covered = this.#held.splice(0);
    this.#lastWrite = Date.now();
    const { outcome } = await withRetries(
      () => this.writeBehind.flush(),
      covered,
      retries,
      (error, attempt) =>
        log.warn('projection failed to write behind; retrying', { projection: name, attempt, error }),
    );
    if (outcome === 'applied') for (const msg of covered) msg.ack();
    else
      log.error('projection gave up writing behind; its events come again after the ack wait', {
        projection: name,
        events: covered.length,
      });
  }
}

/**
 * What a projection does after a write failed: `wait` out an outage of its
 * store (retried with backoff for as long as it lasts, nothing parked),
 * `retry` any other failure, or `give-up` once that failed `maxAttempts`
 * times (`faults`: the failures so far that were not outages, this one included).
 */
export function afterFailure(
  err: unknown,
  faults: number,
  maxAttempts: number,
): 'wait' | 'retry' | 'give-up' {
  if (isTransient(err)) return 'wait';
  return faults < maxAttempts ? 'retry' : 'give-up';
}

/** How a projection's writes are retried (see withRetries). */
interface Retries {
  outage: StoreOutage;
  /** Aborted when the owner stops: an outage is then no longer waited out. */
  stopping: AbortSignal;
  maxAttempts: number;
  /** The other events in hand, kept from redelivery while an outage lasts. */
  inHand(): JsMsg[];
}

type Attempted = { outcome: 'applied' } | { outcome: 'failed'; error: unknown } | { outcome: 'stopped' };

/**
 * Runs `write` until it succeeds (`applied`), fails `maxAttempts` times with
 * something other than an outage (`failed`), or the owner stops while the
 * store is away (`stopped`). While an outage lasts, the events in hand are
 * marked in progress so JetStream holds their redelivery, and order holds.
 */
async function withRetries(
  write: () => Promise<void>,
  events: readonly JsMsg[],
  { outage, stopping, maxAttempts, inHand }: Retries,
  onFault: (error: unknown, attempt: number) => void = () => undefined,
): Promise<Attempted> {
  let faults = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      outage.over();
      return { outcome: 'applied' };
    } catch (error) {
      const next = afterFailure(error, isTransient(error) ? faults : ++faults, maxAttempts);
      if (next === 'give-up') return { outcome: 'failed', error };
      if (next === 'retry') onFault(error, attempt);
      else {
        if (stopping.aborted) return { outcome: 'stopped' };
        outage.began(error);
        markInProgress([...events, ...inHand()]);
      }
      await sleep(backoffMs(attempt), undefined, { signal: stopping }).catch(() => undefined);
    }
  }
}

/** Tells JetStream the events are still being worked on (their ack wait starts again); a closed connection is no matter. */
function markInProgress(msgs: JsMsg[]): void {
  try {
    for (const msg of msgs) msg.working();
  } catch {
    // the connection is closed: the events come again to whoever owns the projection next
  }
}

/** Between tries: doubling from 200 ms to at most 5 s. */
const backoffMs = (attempt: number) => Math.min(5000, 100 * 2 ** attempt);

/**
 * A projection's store outage, for operators: logged once when it begins and
 * once when it ends (how long, how many tries), and its start exposed for
 * readiness checks and metrics (Projection.waitingSince).
 */
class StoreOutage {
  since: number | undefined;
  #tries = 0;

  constructor(
    private readonly projection: string,
    private readonly log: Pick<Logger, 'warn' | 'info'>,
  ) {}

  began(error: unknown): void {
    this.#tries++;
    if (this.since !== undefined) return;
    this.since = Date.now();
    this.log.warn('projection waiting for its store to come back; retrying, nothing is parked', {
      projection: this.projection,
      error,
    });
  }

  over(): void {
    if (this.since === undefined) return;
    this.log.info('projection resumed after a store outage', {
      projection: this.projection,
      seconds: Math.round((Date.now() - this.since) / 100) / 10,
      tries: this.#tries,
    });
    this.since = undefined;
    this.#tries = 0;
  }
}

/**
 * Writes a read-model document unless it already reflects `version` or a
 * later one: replays and redeliveries change nothing.
 */
export async function upsertIfNewer<T extends Document>(
  collection: Collection<T>,
  id: string,
  version: number,
  fields: Partial<T>,
): Promise<boolean> {
  try {
    const result = await collection.updateOne(
      { _id: id, version: { $lt: version } } as never,
      { $set: { ...fields, version } } as never,
      { upsert: true },
    );
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (err) {
    // The document exists at this version or a newer one: the upsert collided with it.
    if (err instanceof MongoServerError && err.code === 11000) return false;
    throw err;
  }
}
