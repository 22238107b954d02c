import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { MongoServerError, type Collection, type Document } from 'mongodb';
import type { Logger } from '../kit/log.js';
import type { PublishedEvent } from './envelope.js';
import { streams, subjects } from './topology.js';

export interface ProjectionOptions {
  nc: NatsConnection;
  /** Durable name: a projection resumes where the one of the same name stopped. */
  name: string;
  actorType: string;
  /**
   * Applies one event to the read model. Called in stream order, one at a
   * time; must be idempotent (an event can come twice after a crash):
   * `upsertIfNewer` helps. `position` is the event's JetStream sequence.
   */
  handle(event: PublishedEvent, position: number): Promise<void>;
  log: Logger;
  /** Failed deliveries of one event before it is parked and skipped. */
  maxDeliver?: number;
}

export interface Projection {
  stop(): Promise<void>;
}

/**
 * Keeps a read model up to date from an actor type's events: a durable
 * JetStream consumer delivers them in order, each is handled, then acked. A
 * failing handler is retried with backoff; after `maxDeliver` tries the event
 * is parked so one bad event cannot stop the read model.
 */
export async function startProjection(options: ProjectionOptions): Promise<Projection> {
  const { nc, name, actorType, handle, log } = options;
  const maxDeliver = options.maxDeliver ?? 5;
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const stream = streams.events(actorType);
  const durable = `proj-${name}`;
  await jsm.consumers
    .add(stream, {
      durable_name: durable,
      filter_subject: subjects.allEvents(actorType),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 1, // strictly one at a time, in order
      ack_wait: 30_000_000_000,
    })
    .catch(async () => jsm.consumers.info(stream, durable));
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 1 });

  const apply = async (msg: JsMsg) => {
    try {
      await handle(msg.json<PublishedEvent>(), msg.seq);
      msg.ack();
    } catch (err) {
      if (msg.info.deliveryCount >= maxDeliver) {
        log.error('projection parked an event it could not apply', {
          projection: name,
          position: msg.seq,
          error: err,
        });
        await js.publish(subjects.parked(actorType), msg.data).catch(() => undefined);
        msg.term('projection failed');
      } else {
        log.warn('projection failed to apply an event; retrying', {
          projection: name,
          position: msg.seq,
          error: err,
        });
        msg.nak(Math.min(10_000, 200 * 2 ** msg.info.deliveryCount));
      }
    }
  };
  const loop = (async () => {
    for await (const msg of messages) await apply(msg);
  })();
  return {
    async stop() {
      await messages.close();
      await loop;
    },
  };
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
