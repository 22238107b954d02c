import { expect } from 'chai';
import { analyse, detectLanguage, tokenize } from './text.js';
import { moodOf } from './scoring.js';

describe('mood text analysis', () => {
  it('tells English from Russian by script, and text without letters apart', () => {
    expect(detectLanguage('I feel great today')).to.equal('en');
    expect(detectLanguage('Мне сегодня хорошо')).to.equal('ru');
    expect(detectLanguage('Мне сегодня ok')).to.equal('ru');
    expect(detectLanguage('😡😡 123')).to.equal('und');
  });

  it('splits off "n\'t", keeps emoji, and marks negation up to punctuation', () => {
    expect(tokenize("I don't like it 😢")).to.deep.equal(['i', 'do', "n't", 'like', 'it', '😢']);
    const negated = analyse('not good, but fine').map((t) => [t.word, t.negated]);
    expect(negated).to.deep.equal([
      ['not', false],
      ['good', true],
      ['but', false],
      ['fine', false],
    ]);
  });

  it('stems Russian and negates after "не"', () => {
    const tokens = analyse('Мне не грустно', 'ru');
    expect(tokens.map((t) => [t.stem, t.negated])).to.deep.equal([
      ['мне', false],
      ['не', false],
      ['грустн', true],
    ]);
  });

  it('scores Russian by its lexicon, with negation flipping the sign', () => {
    const score = (text: string) => moodOf(text, analyse(text, 'ru'), 'ru', undefined).valenceScore;
    expect(score('Мне грустно')).to.be.below(0);
    expect(score('Мне не грустно')).to.be.above(0);
  });

  it('calls a text with no feeling words neutral, with emotion probabilities that sum to 1', () => {
    const text = 'Meeting moved to 3pm';
    const mood = moodOf(text, analyse(text, 'en'), 'en', 0.9);
    expect(mood.valence).to.equal('neutral');
    expect(mood.emotions.neutral).to.equal(1);
    const angry = moodOf('I am furious', analyse('I am furious', 'en'), 'en', 0.1);
    expect(angry.valence).to.equal('negative');
    const sum = Object.values(angry.emotions).reduce((a, b) => a + b, 0);
    expect(sum).to.be.closeTo(1, 0.01);
    expect(angry.emotions.anger).to.be.above(0.5);
  });
});
