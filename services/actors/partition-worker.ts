import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { InFlight } from '../kit/in-flight.js';
import type { Logger } from '../kit/log.js';
import { ActorCell, type Incoming } from './actor-cell.js';
import {
  encode,
  EnvelopeError,
  parseCommandEnvelope,
  parseControlRequest,
  replySubjectOf,
  salvageReplySubject,
  toPublished,
} from './envelope.js';
import { ConcurrencyError, type EventStore, type StoredEvent } from './event-store.js';
import type { GroupCommit } from './group-commit.js';
import type { JetStreamPublisher } from './jetstream-publisher.js';
import { snapshotDue } from './snapshot-schedule.js';
import type { SnapshotWriter } from './snapshot-writer.js';
import type { ActorMetrics } from './metrics.js';
import { consumerName, streams, subjects } from './topology.js';
import { isRejection, type AnyActorType, type CommandResult } from './types.js';

export interface RuntimeSettings {
  /** Most commands one actor decides in one turn (one append). */
  batchMax: number;
  /** Results kept per actor to answer retried commands. */
  recentLimit: number;
  /** A snapshot is written every this many events (at points shifted by the actor id: snapshotDue). */
  snapshotEvery: number;
  /** An actor idle this long is passivated. */
  idleMs: number;
  /** Most activated actors per partition; the least recently used idle ones go first. */
  maxActivePerPartition: number;
  /** How long JetStream waits for an ack before redelivering a command (bounds failover). */
  ackWaitMs: number;
  /** Deliveries of one command before it is parked as poison. */
  maxDeliver: number;
}

export interface WorkerDeps {
  type: AnyActorType;
  partition: number;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Publishes the events (the hot path; `js` serves the rare publishes). */
  publisher: JetStreamPublisher;
  store: EventStore;
  /** Shared by every partition of the replica: one insert in flight at a time. */
  appends: GroupCommit;
  snapshots: SnapshotWriter;
  settings: RuntimeSettings;
  metrics: ActorMetrics;
  log: Logger;
  /** Whether this replica may still act for the partition (lease held and fresh). */
  holdsLease(): boolean;
}

interface Pending {
  msg: JsMsg;
  incoming: Incoming;
  /** Where its result is announced (the caller's reply address). */
  replySubject: string;
}

/** One actor's place in the partition: its mailbox queue and, once activated, its cell. */
interface Slot {
  actorId: string;
  queue: Pending[];
  /** The batch of the turn in progress. */
  turn: Pending[];
  busy: boolean;
  /** Set after a failed turn: the next activation reads every stored event. */
  fullLoad?: boolean;
  cell?: ActorCell;
  loading?: Promise<ActorCell>;
}

/** Command results kept in a snapshot: enough for retries of the last moments, small enough to rewrite often. */
const snapshotRecentLimit = 256;

class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/**
 * Works one partition while this replica holds its lease: consumes the
 * partition's commands in order, runs each actor's turns one at a time
 * (different actors concurrently), appends events with optimistic
 * concurrency, publishes them, answers callers, and parks poison.
 */
export class PartitionWorker {
  readonly #slots = new Map<string, Slot>();
  readonly #inFlight = new InFlight();
  #messages: ConsumerMessages | undefined;
  #consuming: Promise<void> | undefined;
  #control: Subscription | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly deps: WorkerDeps) {}

  get activeCount(): number {
    let n = 0;
    for (const slot of this.#slots.values()) if (slot.cell) n++;
    return n;
  }

  async start(): Promise<void> {
    const { type, partition, jsm, js, nc, settings } = this.deps;
    const name = consumerName(type.name, partition);
    const config = {
      durable_name: name,
      filter_subject: subjects.partitionCommands(type.name, partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: settings.ackWaitMs * 1_000_000,
      max_deliver: -1, // poison is parked by the worker, which counts deliveries itself
      max_ack_pending: 20_000,
    };
    await jsm.consumers.add(streams.commands(type.name), config).catch(async () => {
      await jsm.consumers.update(streams.commands(type.name), name, config);
    });
    this.#control = nc.subscribe(subjects.control(type.name, partition), {
      callback: (err, msg) => {
        if (!err)
          void this.#inFlight.track(() =>
            this.#answerControl(msg.data).then((reply) => msg.respond(encode(reply))),
          );
      },
    });
    const consumer = await js.consumers.get(streams.commands(type.name), name);
    // A callback, not the async iterator: no promise and iterator step per command.
    this.#messages = await consumer.consume({ max_messages: 2000, callback: (msg) => this.#dispatch(msg) });
    this.#consuming = this.#messages.closed().then((err) => {
      if (err) this.deps.log.error('partition consumer ended', { partition, error: err });
    });
    this.#sweeper = setInterval(() => this.#passivateIdle(), Math.min(settings.idleMs, 1000));
    this.#keepAlive = setInterval(
      () => this.#markWorking(),
      Math.max(100, Math.floor(settings.ackWaitMs / 3)),
    );
  }

  /**
   * Commands waiting behind a busy actor are not failing: tell JetStream they
   * are in progress so it does not redeliver them. Only a replica that stops
   * (or dies) lets their ack deadline pass, which hands them to the next owner.
   */
  #markWorking(): void {
    for (const slot of this.#slots.values()) {
      for (const p of slot.turn) p.msg.working();
      for (const p of slot.queue) p.msg.working();
    }
  }

  /** Stops taking commands, finishes every turn in progress, then forgets all actors. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#sweeper);
    clearInterval(this.#keepAlive);
    await this.#messages?.close();
    await this.#consuming;
    this.#control?.unsubscribe();
    await this.#inFlight.drained();
    // Snapshots let the next owner activate these actors without reading their events.
    for (const slot of this.#slots.values()) {
      if (slot.cell && slot.cell.version > slot.cell.snapshotVersion) this.#snapshot(slot.cell);
    }
    await this.deps.snapshots.flushed();
    // Commands still queued were never acked: JetStream redelivers them to the next owner.
    for (const slot of this.#slots.values()) for (const p of slot.queue) p.msg.nak();
    this.deps.metrics.active.dec({ type: this.deps.type.name }, this.activeCount);
    this.#slots.clear();
  }

  /** The version of the newest event of an actor on JetStream (0 when none): one direct get. */
  async #publishedVersion(actorId: string): Promise<number> {
    const { jsm, type } = this.deps;
    const last = await jsm.streams
      .getMessage(streams.events(type.name), { last_by_subj: subjects.event(type.name, actorId) })
      .catch(() => null);
    return Number(last?.header.get('Metachat-Version') || 0);
  }

  /**
   * Publishes the events of a freshly activated actor that are stored but not
   * on JetStream: a replica died, or a publish failed, between append and
   * publish. Such a turn never acked its commands, so they come back and
   * activate the actor here before anything else runs.
   */
  async #publishMissing(cell: ActorCell, published: number): Promise<void> {
    const { type, store, metrics, log, partition } = this.deps;
    if (published >= cell.version) return;
    const missing = await store.readStream(cell.stream, published);
    await this.#publishEvents(missing);
    metrics.republished.inc({ type: type.name }, missing.length);
    log.info('published events stored before a failed publish', {
      partition,
      stream: cell.stream,
      count: missing.length,
    });
  }

  #dispatch(msg: JsMsg): void {
    const { settings } = this.deps;
    const actorId = msg.subject.split('.').at(-1) ?? '';
    if (msg.info.deliveryCount > settings.maxDeliver) {
      const replyTo = salvageReplySubject(msg.data);
      const message = `delivered ${msg.info.deliveryCount} times without success`;
      if (replyTo) this.#reply(replyTo, { status: 'rejected', code: 'max_deliveries', message });
      void this.#park(msg, 'max_deliveries', message);
      return;
    }
    let incoming: Incoming;
    let replySubject: string;
    try {
      const envelope = parseCommandEnvelope(msg.data, actorId);
      incoming = {
        commandId: envelope.commandId,
        command: envelope.command,
        at: Math.floor(msg.info.timestampNanos / 1e6),
      };
      replySubject = replySubjectOf(envelope);
    } catch (err) {
      const reason = err instanceof EnvelopeError ? err.message : String(err);
      const replyTo = salvageReplySubject(msg.data);
      if (replyTo) this.#reply(replyTo, { status: 'rejected', code: 'invalid_envelope', message: reason });
      void this.#park(msg, 'invalid_envelope', reason);
      return;
    }
    const slot = this.#slotOf(actorId);
    slot.queue.push({ msg, incoming, replySubject });
    if (!slot.busy) void this.#inFlight.track(() => this.#drain(slot));
  }

  /** Runs an actor's turns until its mailbox is empty; one turn at a time. */
  async #drain(slot: Slot): Promise<void> {
    slot.busy = true;
    try {
      while (slot.queue.length > 0 && !this.#stopped) {
        const batch = slot.queue.splice(0, this.deps.settings.batchMax);
        slot.turn = batch;
        try {
          await this.#turn(slot, batch);
        } catch (err) {
          this.#turnFailed(slot, batch, err);
        } finally {
          slot.turn = [];
        }
      }
    } finally {
      slot.busy = false;
    }
  }

  /**
   * One turn of one actor: decide the batch, append its events, answer the
   * callers (the events are durable now), publish the events, and only then
   * ack the commands. A crash or failed publish before the ack brings the
   * commands back; the actor is re-activated, #publishMissing sends what is
   * stored, and the commands are answered again as duplicates.
   */
  async #turn(slot: Slot, batch: Pending[]): Promise<void> {
    const { type, metrics, settings } = this.deps;
    if (!this.deps.holdsLease()) throw new LeaseLostError('lease not held');
    const cell = await this.#cellOf(slot);
    const decision = cell.decide(batch.map((p) => p.incoming));
    if (decision.events.length > 0) {
      if (!this.deps.holdsLease()) throw new LeaseLostError('lease lost before append');
      await this.deps.appends.append(decision.events);
    }
    cell.commit(decision);
    metrics.batchSize.observe({ type: type.name }, batch.length);

    const now = Date.now();
    const pendingOf = new Map(batch.map((p) => [p.incoming, p]));
    for (const { incoming, result, duplicate } of decision.outcomes) {
      this.#reply(pendingOf.get(incoming)!.replySubject, result);
      metrics.commands.inc({ type: type.name, outcome: duplicate ? 'duplicate' : result.status });
      metrics.commandSeconds.observe({ type: type.name }, (now - incoming.at) / 1000);
    }
    if (decision.events.length > 0) {
      await this.#publishEvents(decision.events);
      if (snapshotDue(cell.actorId, cell.snapshotVersion, cell.version, settings.snapshotEvery))
        this.#snapshot(cell);
    }

    for (const { incoming } of decision.outcomes) pendingOf.get(incoming)!.msg.ack();
    for (const incoming of decision.poison) {
      this.#reply(pendingOf.get(incoming)!.replySubject, {
        status: 'rejected',
        code: 'command_failed',
        message: 'the command could not be handled',
      });
      await this.#park(pendingOf.get(incoming)!.msg, 'decider_threw', 'decide or evolve threw');
    }
  }

  #turnFailed(slot: Slot, batch: Pending[], err: unknown): void {
    const { log, metrics, type, partition } = this.deps;
    if (err instanceof ConcurrencyError) metrics.conflicts.inc({ type: type.name });
    log.warn('actor turn failed; commands will be redelivered', {
      partition,
      actorId: slot.actorId,
      commands: batch.length,
      error: err,
    });
    // Forget the state (another writer moved it, or it is unknown) and hand the
    // commands back in order, with what queued behind them, for a clean retry.
    slot.cell = undefined;
    slot.loading = undefined;
    slot.fullLoad = true;
    for (const p of [...batch, ...slot.queue.splice(0)])
      p.msg.nak(err instanceof LeaseLostError ? undefined : 200);
  }

  #slotOf(actorId: string): Slot {
    let slot = this.#slots.get(actorId);
    if (!slot) {
      slot = { actorId, queue: [], turn: [], busy: false };
      this.#slots.set(actorId, slot);
    }
    return slot;
  }

  #cellOf(slot: Slot): Promise<ActorCell> {
    if (slot.cell) return Promise.resolve(slot.cell);
    slot.loading ??= this.#activate(slot).finally(() => (slot.loading = undefined));
    return slot.loading;
  }

  async #activate(slot: Slot): Promise<ActorCell> {
    const { type, store, partition, settings, metrics } = this.deps;
    const published = await this.#publishedVersion(slot.actorId);
    const deps = {
      type,
      store,
      partition,
      recentLimit: settings.recentLimit,
      onBadEvent: (event: StoredEvent, reason: string) => void this.#parkEvent(event, reason),
    };
    const cell = await ActorCell.load(slot.actorId, deps, slot.fullLoad ? undefined : published);
    await this.#publishMissing(cell, published);
    slot.cell = cell;
    slot.fullLoad = false;
    metrics.active.inc({ type: type.name });
    return cell;
  }

  /**
   * Publishes events one after another, each once the one before is stored:
   * JetStream then always holds a prefix of an actor's events, so the last
   * version there says exactly what is missing after a failure. Published
   * concurrently, a later event could be stored while an earlier one failed,
   * and re-activation (which starts after the last version) would never
   * publish the earlier one.
   */
  async #publishEvents(events: StoredEvent[]): Promise<void> {
    const { publisher, type } = this.deps;
    for (const event of events) {
      const h = natsHeaders();
      h.set('Metachat-Event-Type', event.type);
      h.set('Metachat-Version', String(event.version));
      await publisher.publish(subjects.event(type.name, event.actorId), encode(toPublished(event)), {
        msgID: event._id,
        headers: h,
      });
    }
  }

  #snapshot(cell: ActorCell): void {
    const { type, snapshots, settings } = this.deps;
    cell.snapshotVersion = cell.version;
    snapshots.save({
      _id: cell.stream,
      version: cell.version,
      state: type.toSnapshot ? type.toSnapshot(cell.state) : cell.state,
      recent: cell.recent.newest(Math.min(settings.recentLimit, snapshotRecentLimit)),
      at: Date.now(),
    });
  }

  #reply(subject: string, result: CommandResult): void {
    this.deps.nc.publish(subject, encode(result));
  }

  async #park(msg: JsMsg, reason: string, detail: string): Promise<void> {
    const { js, type, metrics, log, partition } = this.deps;
    metrics.parked.inc({ type: type.name, reason });
    log.warn('command parked', {
      partition,
      subject: msg.subject,
      reason,
      detail,
      deliveries: msg.info.deliveryCount,
    });
    const h = natsHeaders();
    h.set('Metachat-Parked-Reason', reason);
    h.set('Metachat-Parked-Detail', detail.slice(0, 200));
    h.set('Metachat-Original-Subject', msg.subject);
    try {
      await js.publish(subjects.parked(type.name), msg.data, { headers: h });
      msg.term(reason);
    } catch (err) {
      log.error('parking failed; the command will be redelivered', { error: err });
      msg.nak(1000);
    }
  }

  async #parkEvent(event: StoredEvent, reason: string): Promise<void> {
    const { js, type, metrics, log } = this.deps;
    metrics.parked.inc({ type: type.name, reason: 'invalid_event' });
    log.error('stored event does not parse; skipped', { eventId: event._id, reason });
    const h = natsHeaders();
    h.set('Metachat-Parked-Reason', 'invalid_event');
    h.set('Metachat-Parked-Detail', reason.slice(0, 200));
    await js
      .publish(subjects.parked(type.name), encode(event), { headers: h, msgID: `parked-${event._id}` })
      .catch(() => undefined);
  }

  async #answerControl(data: Uint8Array): Promise<unknown> {
    const { type } = this.deps;
    try {
      const request = parseControlRequest(data);
      const cell = await this.#cellOf(this.#slotOf(request.actorId));
      if (request.op === 'result') {
        const result = cell.recent.get(request.commandId);
        return result ? { status: 'done', result } : { status: 'unknown' };
      }
      if (!type.query) return { ok: false, code: 'no_queries', message: `${type.name} answers no queries` };
      const query = type.parseQuery ? type.parseQuery(request.query) : request.query;
      if (isRejection(query)) return { ok: false, code: query.code, message: query.message };
      return { ok: true, value: type.query(cell.state, query) };
    } catch (err) {
      if (err instanceof EnvelopeError) return { ok: false, code: 'invalid_request', message: err.message };
      this.deps.log.warn('control request failed', { error: err });
      return { ok: false, code: 'unavailable', message: 'the actor could not be loaded' };
    }
  }

  #passivateIdle(): void {
    const { settings, metrics, type } = this.deps;
    const now = Date.now();
    const idle = [...this.#slots.values()].filter((s) => !s.busy && s.queue.length === 0 && !s.loading);
    let active = this.activeCount;
    const evict = (slot: Slot) => {
      this.#slots.delete(slot.actorId);
      if (!slot.cell) return;
      // A snapshot at the last version lets the next activation skip reading events.
      if (slot.cell.version > slot.cell.snapshotVersion) this.#snapshot(slot.cell);
      active--;
      metrics.active.dec({ type: type.name });
    };
    for (const slot of idle) if (!slot.cell || now - slot.cell.lastUsed > settings.idleMs) evict(slot);
    if (active > settings.maxActivePerPartition) {
      const lru = idle
        .filter((s) => s.cell && this.#slots.has(s.actorId))
        .sort((a, b) => a.cell!.lastUsed - b.cell!.lastUsed);
      for (const slot of lru) {
        if (active <= settings.maxActivePerPartition) break;
        evict(slot);
      }
    }
  }
}
