import type { EventStore, StoredEvent } from './event-store.js';
import { eventId, streamName } from './event-store.js';
import { RecentCommands } from './recent-commands.js';
import { isRejection, type AnyActorType, type CommandResult, type DomainEvent } from './types.js';

/** A command as it arrives from the mailbox, already unwrapped from its envelope. */
export interface Incoming {
  commandId: string;
  command: unknown;
  /** Receipt time: the JetStream timestamp, so a redelivery decides with the same time. */
  at: number;
}

export interface Outcome {
  incoming: Incoming;
  result: CommandResult;
  /** A retry of a command already decided: answered with its first result, applied nothing. */
  duplicate?: true;
}

export interface CellDeps {
  type: AnyActorType;
  store: EventStore;
  partition: number;
  recentLimit: number;
  /** Reports a stored event that does not parse; it is skipped, never folded. */
  onBadEvent(event: StoredEvent, reason: string): void;
}

/**
 * One activated actor: its state folded from snapshot + events, the version it
 * is at, and the results of its recent commands. Decides a batch of commands
 * in order against the evolving state and hands back the events to append.
 */
export class ActorCell {
  state: unknown;
  version = 0;
  lastUsed = Date.now();
  snapshotVersion = 0;
  readonly stream: string;
  readonly recent: RecentCommands;

  private constructor(
    readonly actorId: string,
    private readonly deps: CellDeps,
  ) {
    this.stream = streamName(deps.type.name, actorId);
    this.state = deps.type.initialState(actorId);
    this.recent = new RecentCommands(deps.recentLimit);
  }

  /**
   * Activation: the newest snapshot, then the events after it. With
   * `publishedVersion` (the last version on JetStream) the event read is
   * skipped when the snapshot already covers it, or when there is neither
   * snapshot nor published event (a new actor). Reading events is the costly
   * part on FerretDB (a collection scan), and a passivated actor leaves a
   * snapshot of its last version, so most activations read no events.
   * Should events exist that were stored but never published, the first
   * append collides with them and the caller reloads with `publishedVersion`
   * undefined, which always reads.
   */
  static async load(actorId: string, deps: CellDeps, publishedVersion?: number): Promise<ActorCell> {
    const cell = new ActorCell(actorId, deps);
    const snapshot = await deps.store.loadSnapshot(cell.stream);
    if (snapshot) {
      cell.state = deps.type.fromSnapshot ? deps.type.fromSnapshot(snapshot.state) : snapshot.state;
      cell.version = cell.snapshotVersion = snapshot.version;
      for (const { commandId, result } of snapshot.recent ?? []) {
        cell.recent.set(commandId, result);
      }
    }
    if (publishedVersion === undefined || publishedVersion > cell.version) {
      cell.applyStored(await deps.store.readStream(cell.stream, cell.version));
    }
    return cell;
  }

  /** Folds stored events (from the store or just appended) into the state. */
  applyStored(events: StoredEvent[]): void {
    for (const stored of events) {
      this.version = stored.version;
      const parsed = this.deps.type.parseEvent ? this.deps.type.parseEvent(stored.data) : stored.data;
      if (isRejection(parsed)) this.deps.onBadEvent(stored, parsed.message);
      else this.state = this.deps.type.evolve(this.state, parsed);
      // The last event of a command carries its reply, so the last write wins.
      this.recent.set(stored.commandId, {
        status: 'accepted',
        version: stored.version,
        ...(stored.reply !== undefined ? { reply: stored.reply } : {}),
      });
    }
  }

  /**
   * Decides a batch in arrival order. Pure with respect to the cell: returns
   * the outcomes, the events to append and the state after them; the caller
   * commits (append, then `commit`) or throws the result away.
   */
  decide(batch: Incoming[]): {
    outcomes: Outcome[];
    events: StoredEvent[];
    state: unknown;
    poison: Incoming[];
  } {
    const { type, partition } = this.deps;
    let state = this.state;
    let version = this.version;
    const outcomes: Outcome[] = [];
    const events: StoredEvent[] = [];
    const poison: Incoming[] = [];
    const inBatch = new Map<string, CommandResult>();

    for (const incoming of batch) {
      const earlier = this.recent.get(incoming.commandId) ?? inBatch.get(incoming.commandId);
      if (earlier) {
        outcomes.push({ incoming, result: earlier, duplicate: true });
        continue;
      }
      let result: CommandResult;
      try {
        const command = type.parseCommand(incoming.command);
        const decided = isRejection(command)
          ? command
          : type.decide(state, command, {
              actorId: this.actorId,
              commandId: incoming.commandId,
              at: incoming.at,
            });
        if (isRejection(decided)) {
          const { code, message, details } = decided;
          result = { status: 'rejected', code, message, ...(details ? { details } : {}) };
        } else {
          let next = state;
          for (const event of decided as DomainEvent[]) next = type.evolve(next, event);
          const reply = type.reply ? type.reply(next, decided) : undefined;
          decided.forEach((event: DomainEvent, i: number) => {
            const v = version + i + 1;
            events.push({
              _id: eventId(this.stream, v),
              stream: this.stream,
              actorType: type.name,
              actorId: this.actorId,
              version: v,
              partition,
              type: event.type,
              data: event,
              commandId: incoming.commandId,
              ...(i === decided.length - 1 && reply !== undefined ? { reply } : {}),
              at: incoming.at,
            });
          });
          state = next;
          version += decided.length;
          result = { status: 'accepted', version, ...(reply !== undefined ? { reply } : {}) };
        }
      } catch {
        // A decider that throws is a bug or a command it cannot handle: park it, keep the mailbox moving.
        poison.push(incoming);
        continue;
      }
      inBatch.set(incoming.commandId, result);
      outcomes.push({ incoming, result });
    }
    return { outcomes, events, state, poison };
  }

  /** Adopts a decided batch once its events are stored. */
  commit(decision: { outcomes: Outcome[]; events: StoredEvent[]; state: unknown }): void {
    this.state = decision.state;
    if (decision.events.length > 0) this.version = decision.events.at(-1)!.version;
    for (const { incoming, result } of decision.outcomes) this.recent.set(incoming.commandId, result);
    this.lastUsed = Date.now();
  }
}
