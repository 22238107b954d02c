import { expect } from 'chai';
import { hideBlocked } from '../chat/blocking.js';
import { entryMoodKey, messageMoodKey, moodKeyOf, moodScoreOf } from './mood-scores.js';
import type { MoodAnalyzed } from './scorable.js';

const analyzed: MoodAnalyzed = {
  type: 'MoodAnalyzed',
  author: 'u_ann',
  at: 1,
  model: 'metachat-mood@1',
  digest: 'sha256:x',
  source: 'chat',
  room: 'r_1',
  seq: 7,
  language: 'en',
  valence: 'positive',
  valenceScore: 0.8,
  emotions: { joy: 0.7, sadness: 0.05, anger: 0.05, fear: 0.05, surprise: 0.1, neutral: 0.05 },
};

describe('mood scores beside messages and entries', () => {
  it('shows valence, its score, the main emotion, the language and the model', () => {
    expect(moodScoreOf(analyzed)).to.deep.equal({
      valence: 'positive',
      valenceScore: 0.8,
      emotion: 'joy',
      language: 'en',
      model: 'metachat-mood@1',
    });
    const calm = { ...analyzed, emotions: { ...analyzed.emotions, joy: 0.01, neutral: 0.8 } };
    expect(moodScoreOf(calm).emotion).to.equal('neutral');
  });

  it('keys a message by room and sequence and an entry by its id', () => {
    expect(moodKeyOf(analyzed)).to.equal(messageMoodKey('r_1', 7));
    expect(moodKeyOf({ ...analyzed, source: 'diary', entry: 'e_1' } as MoodAnalyzed)).to.equal(
      entryMoodKey('e_1'),
    );
    expect(messageMoodKey('r_1', 7)).to.not.equal(messageMoodKey('r_17', 0));
  });

  it('drops the score of a blocked author’s message with its text', () => {
    const message = { author: 'u_bob', text: 'hi', moodScore: moodScoreOf(analyzed) };
    expect(hideBlocked(new Set(['u_bob']), message)).to.deep.equal({
      author: 'u_bob',
      text: '',
      hidden: 'blocked',
    });
    expect(hideBlocked(new Set(['u_cat']), message)).to.equal(message);
  });
});
