import type { NatsConnection } from '@nats-io/transport-node';
import type { ActorClient } from '../actors/client.js';
import { consumeDurably, type Projection } from '../actors/projection.js';
import type { Logger } from '../kit/log.js';
import { isMoodEvent } from '../mood/scorable.js';
import { ensureMoodStream, moodStream, moodSubjects } from '../mood/subjects.js';
import { veryNegativeValence } from './moderation.js';

/**
 * The rooms' mood rule: every very negative score of a chat message goes to
 * its room, which flags the message if its settings name a mood model.
 */
export async function startMoodRule(
  nc: NatsConnection,
  actors: ActorClient,
  log: Logger,
): Promise<Projection> {
  await ensureMoodStream(nc);
  return consumeDurably({
    nc,
    name: 'chat-mood-rule',
    stream: moodStream,
    filterSubject: moodSubjects.analyzedInRoom('*'),
    parkedSubject: 'mood.parked.chat-mood-rule',
    log,
    async handleBatch(batch) {
      for (const { event } of batch) {
        if (!isMoodEvent(event) || event.type !== 'MoodAnalyzed' || event.source !== 'chat') continue;
        if (event.valenceScore > veryNegativeValence) continue;
        const command = { type: 'moodScored', seq: event.seq, valenceScore: event.valenceScore };
        const result = await actors.send('room', event.room, command, {
          commandId: `mood-${event.room}-${event.seq}`,
        });
        if (result.status === 'rejected')
          log.warn('mood rule refused', { room: event.room, reason: result.message });
      }
    },
  });
}
