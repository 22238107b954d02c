import { jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

// The mood service's NATS subjects and stream; the gateway and clients of MoodAnalyzed use them.
export const moodSubjects = {
  /** Scored by the platform's active model (or its canary). */
  analyze: 'mood.v1.analyze',
  /** Scored by one MoodModel, whatever the routing (its own Deployment serves it). */
  analyzeWith: (model: string) => `mood.v1.models.${model}.analyze`,
  /** MoodAnalyzed events, per room: mood.analyzed.room.<room id>. */
  analyzedInRoom: (room: string) => `mood.analyzed.room.${room}`,
  /** MoodAnalyzed events of diary entries, per user: mood.analyzed.diary.<user id>. */
  analyzedInDiary: (user: string) => `mood.analyzed.diary.${user}`,
  all: 'mood.analyzed.>',
};
export const moodStream = 'MOOD_ANALYZED';

/** Makes the MoodAnalyzed stream unless it exists (the mood service, or another replica, made it). */
export async function ensureMoodStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams
    .add({ name: moodStream, subjects: [moodSubjects.all], retention: RetentionPolicy.Limits })
    .catch(() => undefined);
}
