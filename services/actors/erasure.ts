import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AnyBulkWriteOperation, Filter } from 'mongodb';
import { bulkWriteInChunks } from './bulk.js';
import type { EventStore, StoredEvent } from './event-store.js';

// Erasing a person's content from an event-sourced system (account deletion):
// events stay (versions must stay gap-free), their personal fields are
// overwritten; the copies JetStream carried are deleted, since a stream's
// messages cannot be edited.

/** Overwrites fields of the stored events that match (e.g. {'data.text': ''}); answers how many. */
export async function redactEvents(
  store: EventStore,
  filter: Filter<StoredEvent>,
  fields: Record<string, unknown>,
): Promise<number> {
  const ids = (await store.events.find(filter, { projection: { _id: 1 } }).toArray()).map((e) => e._id);
  const writes: AnyBulkWriteOperation<StoredEvent>[] = ids.map((_id) => ({
    updateOne: { filter: { _id }, update: { $set: fields } },
  }));
  await bulkWriteInChunks(store.events, writes);
  return ids.length;
}

/** Deletes the messages on one subject of a stream whose JSON body matches; answers how many. */
export async function deleteFromStream(
  nc: NatsConnection,
  stream: string,
  subject: string,
  matches: (body: Record<string, unknown>) => boolean,
): Promise<number> {
  const jsm = await jetstreamManager(nc);
  if (!(await jsm.streams.info(stream).catch(() => undefined))) return 0;
  const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: [subject] });
  let deleted = 0;
  for (let done = false; !done;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
    let seen = 0;
    for await (const msg of batch) {
      seen++;
      if (matches(bodyOf(msg))) {
        await jsm.streams.deleteMessage(stream, msg.seq, true); // erase: overwritten on disk too
        deleted++;
      }
      if (msg.info.pending === 0) {
        done = true;
        break;
      }
    }
    if (seen === 0) done = true;
  }
  return deleted;
}

/** Deletes every message on a subject (all of it is one person's). */
export async function purgeSubject(nc: NatsConnection, stream: string, subject: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  if (await jsm.streams.info(stream).catch(() => undefined))
    await jsm.streams.purge(stream, { filter: subject });
}

/** A message's JSON body; one that is not JSON is matched by its text (`{text}`). */
function bodyOf(msg: { json<T>(): T; string(): string }): Record<string, unknown> {
  try {
    const body = msg.json<unknown>();
    return body !== null && typeof body === 'object'
      ? (body as Record<string, unknown>)
      : { text: msg.string() };
  } catch {
    return { text: msg.string() };
  }
}

/** Does a message's body name `user` anywhere (user ids are unique random strings)? For erasing what was parked. */
export const mentionsUser = (user: string) => (body: Record<string, unknown>) =>
  JSON.stringify(body).includes(user);
