import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { nuid, type NatsConnection } from '@nats-io/transport-node';
import { traceHeaders } from '../kit/nats-trace.js';
import { encode } from './envelope.js';
import { partitionOf, safeIdPattern } from './partitioning.js';
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
  readonly #js: JetStreamClient;

  constructor(
    private readonly nc: NatsConnection,
    private readonly partitions: number,
  ) {
    this.#js = jetstream(nc);
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
    const replies = this.nc.subscribe(subjects.reply(commandId), { max: 1, timeout: timeoutMs });
    const reply = (async () => {
      for await (const msg of replies) return msg.json<CommandResult>();
      return undefined;
    })().catch(() => undefined);

    const h = traceHeaders();
    try {
      const ack = await this.#js.publish(
        subjects.command(type, partition, actorId),
        encode({ commandId, actorId, command }),
        { msgID: commandId, headers: h, timeout: timeoutMs },
      );
      if (ack.duplicate) {
        // Sent before (a retry): the result may already exist; ask the owner.
        const known = await this.#askResult(type, partition, actorId, commandId, timeoutMs);
        if (known) {
          replies.unsubscribe();
          return known;
        }
      }
    } catch (err) {
      replies.unsubscribe();
      throw new ActorClientError('unavailable', `could not enqueue the command: ${(err as Error).message}`);
    }
    const result = await reply;
    if (!result)
      throw new ActorClientError('timeout', `no result for command ${commandId} within ${timeoutMs} ms`);
    return result;
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
