import { nuid, type NatsConnection } from '@nats-io/transport-node';
import { traceHeaders } from '../kit/nats-trace.js';
import { encode } from './envelope.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import { partitionOf, safeIdPattern } from './partitioning.js';
import { ReplyInbox } from './reply-inbox.js';
import { subjects } from './topology.js';
import type { CommandResult } from './types.js';

export class ActorClientError extends Error {
  override name = 'ActorClientError';
  constructor(
    readonly code: 'invalid_id' | 'timeout' | 'unavailable' | 'query_failed',
    message: string,
  ) {
    super(message);
  }
}

export interface SendOptions {
  /** Reuse the id when retrying: the command is applied once. A new id otherwise. */
  commandId?: string;
  timeoutMs?: number;
}

/**
 * Sends commands to actors and asks them questions. A send puts the command
 * on the actor's durable mailbox (JetStream, de-duplicated by command id) and
 * waits for its result. On timeout it throws `timeout`: retry with the same
 * command id and the first result comes back, never a second application.
 */
export class ActorClient {
  readonly #publisher: JetStreamPublisher;
  /** This client's reply inbox: one subscription for the results of all its commands. */
  readonly #inbox = nuid.next();
  /** A result that is not JSON is skipped: its caller's wait ends in a timeout error. */
  readonly #results: ReplyInbox<CommandResult>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly partitions: number,
  ) {
    this.#publisher = new JetStreamPublisher(nc);
    this.#results = new ReplyInbox(nc, subjects.replyTo(this.#inbox), (msg) => msg.json<CommandResult>());
  }

  async send(
    type: string,
    actorId: string,
    command: unknown,
    options: SendOptions = {},
  ): Promise<CommandResult> {
    const commandId = options.commandId ?? nuid.next();
    const timeoutMs = options.timeoutMs ?? 5000;
    for (const [what, value] of [
      ['actor id', actorId],
      ['command id', commandId],
    ] as const) {
      if (!safeIdPattern.test(value))
        throw new ActorClientError('invalid_id', `${what} must be 1-128 of A-Z a-z 0-9 _ -`);
    }
    const partition = partitionOf(actorId, this.partitions);
    const expected = this.#results.expect(timeoutMs);
    const deadline = Date.now() + timeoutMs;
    try {
      const ack = await this.#publisher.publish(
        subjects.command(type, partition, actorId),
        encode({ commandId, actorId, command, replyTo: `${this.#inbox}.${expected.key}` }),
        { msgID: commandId, headers: traceHeaders(), timeoutMs },
      );
      if (ack.duplicate) {
        // Sent before (a retry): its result goes to the first send's reply address; ask the owner for it.
        expected.abandon();
        return await this.#pollResult(type, partition, actorId, commandId, deadline);
      }
    } catch (err) {
      expected.abandon();
      if (err instanceof ActorClientError) throw err;
      throw new ActorClientError('unavailable', `could not enqueue the command: ${(err as Error).message}`);
    }
    const result = await expected.reply;
    if (!result)
      throw new ActorClientError('timeout', `no result for command ${commandId} within ${timeoutMs} ms`);
    return result;
  }

  /** Asks the owner for a command's result until it has one or the deadline passes. */
  async #pollResult(
    type: string,
    partition: number,
    actorId: string,
    commandId: string,
    deadline: number,
  ): Promise<CommandResult> {
    for (let wait = 25; ; wait = Math.min(wait * 2, 250)) {
      const left = deadline - Date.now();
      const known = left > 0 ? await this.#askResult(type, partition, actorId, commandId, left) : undefined;
      if (known) return known;
      if (Date.now() + wait >= deadline)
        throw new ActorClientError('timeout', `no result for command ${commandId} before the deadline`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  async #askResult(type: string, partition: number, actorId: string, commandId: string, timeoutMs: number) {
    try {
      const msg = await this.nc.request(
        subjects.control(type, partition),
        encode({ op: 'result', actorId, commandId }),
        {
          timeout: timeoutMs,
        },
      );
      const answer = msg.json<{ status: string; result?: CommandResult }>();
      return answer.status === 'done' ? answer.result : undefined;
    } catch {
      return undefined; // no owner right now: the result will be announced when the command runs
    }
  }

  /** Asks an actor a read-only question, answered from its current state. */
  async query<T = unknown>(type: string, actorId: string, query: unknown, timeoutMs = 5000): Promise<T> {
    if (!safeIdPattern.test(actorId))
      throw new ActorClientError('invalid_id', 'actor id must be 1-128 of A-Z a-z 0-9 _ -');
    const partition = partitionOf(actorId, this.partitions);
    let msg;
    try {
      msg = await this.nc.request(
        subjects.control(type, partition),
        encode({ op: 'query', actorId, query }),
        {
          timeout: timeoutMs,
        },
      );
    } catch (err) {
      throw new ActorClientError(
        'unavailable',
        `no replica answered for ${type}/${actorId}: ${(err as Error).message}`,
      );
    }
    const answer = msg.json<{ ok: boolean; value?: T; code?: string; message?: string }>();
    if (!answer.ok) throw new ActorClientError('query_failed', `${answer.code}: ${answer.message}`);
    return answer.value as T;
  }
}
