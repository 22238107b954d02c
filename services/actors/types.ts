// The shape of an actor type. Business code lives in these pure functions and
// never touches NATS or MongoDB; the runtime (actor-host.ts) wraps them.

/** A domain event as a decider emits it: a type and its data. */
export interface DomainEvent {
  type: string;
  [key: string]: unknown;
}

/** Why a command was refused: a stable code for machines, a message for people. */
export interface Rejection {
  rejected: true;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export const reject = (code: string, message: string, details?: Record<string, unknown>): Rejection => ({
  rejected: true,
  code,
  message,
  ...(details ? { details } : {}),
});

export const isRejection = (value: unknown): value is Rejection =>
  typeof value === 'object' && value !== null && (value as { rejected?: unknown }).rejected === true;

/** What the runtime hands a decider besides state and command: ids and time come in, never made inside. */
export interface CommandContext {
  actorId: string;
  commandId: string;
  /** When the runtime received the command (ms since epoch). */
  at: number;
}

/**
 * An actor type: a Decider plus validation. `parseCommand` turns untrusted
 * JSON into a command or a rejection; `decide` and `evolve` are pure.
 */
export interface ActorType<State, Command, Event extends DomainEvent, Query = never, Reply = unknown> {
  /** Lower-case name used in subjects and stream names, e.g. "room". */
  name: string;
  initialState(actorId: string): State;
  parseCommand(raw: unknown): Command | Rejection;
  decide(state: State, command: Command, ctx: CommandContext): Event[] | Rejection;
  evolve(state: State, event: Event): State;
  /** Parses a stored or received event; a malformed one is a Rejection (and is parked, never folded). */
  parseEvent?(raw: unknown): Event | Rejection;
  /** What an accepted command answers besides the version (e.g. a message's sequence number). */
  reply?(state: State, events: Event[]): Reply;
  /** Read-only questions answered from the current state. */
  query?(state: State, query: Query): unknown;
  parseQuery?(raw: unknown): Query | Rejection;
  /** Snapshot (de)serialisation; JSON of the state by default. */
  toSnapshot?(state: State): unknown;
  fromSnapshot?(snapshot: unknown): State;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActorType = ActorType<any, any, any, any, any>;

/** The outcome of a command as callers see it. */
export type CommandResult =
  | { status: 'accepted'; version: number; reply?: unknown }
  | { status: 'rejected'; code: string; message: string; details?: Record<string, unknown> };
