import { headers as natsHeaders, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import { newInbox } from '../kit/nats-connect.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { ReplyInbox } from './reply-inbox.js';

/** JetStream's acknowledgement of a stored message. */
export interface PubAck {
  stream: string;
  seq: number;
  /** The message id was seen within the stream's duplicate window: not stored again. */
  duplicate: boolean;
}

export class PublishError extends Error {
  override name = 'PublishError';
  constructor(
    readonly code: 'timeout' | 'no_stream' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

export interface PublishOptions {
  /** De-duplication id (`Nats-Msg-Id`). */
  msgID?: string;
  headers?: MsgHdrs;
  timeoutMs?: number;
}

/**
 * Publishes to JetStream and waits for the stream's acknowledgement, as
 * `js.publish` does, but with every acknowledgement coming to one inbox
 * subscription and matched by a key in its subject. nats.js makes a request
 * object, a timer promise and a cancellation Error (with its stack) for each
 * publish, even one already answered: on the hot paths (a command into an
 * actor's mailbox, an actor's events out) that was ~4 % of the chat service's
 * CPU. Only a failure builds an Error here.
 */
export class JetStreamPublisher {
  readonly #acks: ReplyInbox<Msg>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs = 5000,
  ) {
    this.#acks = new ReplyInbox(nc, newInbox(nc), (msg) => msg);
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions = {}): Promise<PubAck> {
    const headers = options.headers ?? natsHeaders();
    if (options.msgID) headers.set('Nats-Msg-Id', options.msgID);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const ack = this.#acks.expect(timeoutMs);
    try {
      this.nc.publish(subject, data, { reply: ack.subject, headers });
    } catch (err) {
      ack.abandon();
      throw new PublishError('refused', `could not publish to ${subject}: ${(err as Error).message}`);
    }
    const reply = await ack.reply;
    if (!reply) throw new PublishError('timeout', `no acknowledgement for ${subject} within ${timeoutMs} ms`);
    const outcome = pubAckOf(reply, subject);
    if (outcome instanceof PublishError) throw outcome;
    return outcome;
  }
}

const decoder = new TextDecoder();

/** The acknowledgement in a reply, or why there is none. */
export function pubAckOf(msg: Pick<Msg, 'data' | 'headers'>, subject: string): PubAck | PublishError {
  // A status-only 503 reply: nothing subscribes to the subject, so no stream stores it.
  if (msg.data.length === 0 && msg.headers?.code === 503)
    return new PublishError('no_stream', `no stream stores ${subject}`);
  let reply: { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { description?: unknown } };
  try {
    reply = JSON.parse(decoder.decode(msg.data)) as typeof reply;
  } catch {
    return new PublishError('refused', `an acknowledgement for ${subject} that is not JSON`);
  }
  if (reply.error)
    return new PublishError('refused', `JetStream refused ${subject}: ${String(reply.error.description)}`);
  if (typeof reply.stream !== 'string' || reply.stream === '' || typeof reply.seq !== 'number')
    return new PublishError('refused', `an acknowledgement for ${subject} without stream and sequence`);
  return { stream: reply.stream, seq: reply.seq, duplicate: reply.duplicate === true };
}
