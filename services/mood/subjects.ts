// The mood service's NATS subjects and stream; the gateway and clients of MoodAnalyzed use them.
export const moodSubjects = {
  analyze: 'mood.v1.analyze',
  /** MoodAnalyzed events, per room: mood.analyzed.room.<room id>. */
  analyzedInRoom: (room: string) => `mood.analyzed.room.${room}`,
};
export const moodStream = 'MOOD_ANALYZED';
