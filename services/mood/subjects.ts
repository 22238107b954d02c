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
