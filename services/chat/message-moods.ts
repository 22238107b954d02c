import { messageMoodKey, withMoodScores, type MoodScore, type MoodScores } from '../mood/mood-scores.js';

type Scorable = { room: string; seq: number; text: string; deleted?: boolean };

/** Messages with their latest mood score, where the reader sees their text (not deleted, hidden or blocked). */
export function withMessageMoods<M extends Scorable>(
  scores: MoodScores,
  messages: M[],
): Promise<(M & { moodScore?: MoodScore })[]> {
  return withMoodScores(
    scores,
    messages,
    (m) => messageMoodKey(m.room, m.seq),
    (m) => m.text !== '' && !m.deleted,
  );
}
