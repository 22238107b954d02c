import type { NatsConnection } from '@nats-io/transport-node';
import { deleteFromStream, mentionsUser, redactEvents } from '../actors/erasure.js';
import { eventId, streamName } from '../actors/event-store.js';
import { streams, subjects } from '../actors/topology.js';
import { ApiError } from '../kit/api-error.js';
import { moodStream, moodSubjects } from '../mood/subjects.js';
import type { ChatDeps } from './endpoints.js';
import { deletedAuthor } from './read-model.js';

/**
 * A deleted account in chat (the policy is in the README): the user leaves
 * every room; their messages stay in sequence but lose their text and their
 * author (shown as "deleted") — in the read model, in the event store, and
 * in JetStream, whose copies (and the mood scores of those messages) are
 * deleted. Idempotent: a retry after a failure finishes the job.
 */
export async function forgetUser(
  nc: NatsConnection,
  deps: ChatDeps,
  user: string,
): Promise<{ rooms: number; messages: number }> {
  await deps.settled();
  const rooms = await deps.readModel.roomIdsOf(user);
  for (const room of rooms) {
    const result = await deps.actors.send('room', room, { type: 'forget', user });
    if (result.status === 'rejected')
      throw new ApiError('unavailable', 503, `room ${room} refused: ${result.message}`);
  }
  // Every message they sent before leaving is in the read model before it is anonymised.
  await deps.settled();
  const written = await deps.readModel.anonymise(user);
  await redactEvents(
    deps.store,
    { _id: { $in: written.map(({ room, seq }) => eventId(streamName('room', room), seq)) } },
    { 'data.text': '', 'data.author': deletedAuthor },
  );
  const touched = [...new Set([...rooms, ...written.map((w) => w.room)])];
  await redactEvents(
    deps.store,
    { stream: { $in: touched.map((r) => streamName('room', r)) }, type: 'MessageEdited', 'data.by': user },
    { 'data.text': '', 'data.by': deletedAuthor },
  );
  const theirs = (body: Record<string, unknown>) => {
    const data = (body.data ?? {}) as Record<string, unknown>;
    return (
      (data.type === 'MessageSent' && data.author === user) ||
      (data.type === 'MessageEdited' && data.by === user)
    );
  };
  for (const room of touched) {
    await deleteFromStream(nc, streams.events('room'), subjects.event('room', room), theirs);
    await deleteFromStream(nc, moodStream, moodSubjects.analyzedInRoom(room), (m) => m.author === user);
  }
  await deleteFromStream(nc, streams.parked, subjects.parked('room'), mentionsUser(user));
  return { rooms: rooms.length, messages: written.length };
}
