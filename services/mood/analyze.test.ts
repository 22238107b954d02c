import { expect } from 'chai';
import { ApiError } from '../kit/api-error.js';
import { analyzeLimits, parseAnalyzeRequest } from './analyze.js';

const refusal = (raw: unknown) => {
  try {
    parseAnalyzeRequest(raw);
  } catch (err) {
    expect(err).to.be.instanceOf(ApiError);
    return (err as ApiError).message;
  }
  throw new Error('expected a refusal');
};

describe('mood analyze requests', () => {
  it('takes one text or a list of texts', () => {
    expect(parseAnalyzeRequest({ text: 'hi' })).to.deep.equal(['hi']);
    expect(parseAnalyzeRequest({ texts: ['a', ''] })).to.deep.equal(['a', '']);
  });

  it('refuses what it cannot score, naming the problem', () => {
    expect(refusal('hi')).to.contain('JSON object');
    expect(refusal({})).to.contain('exactly one of text and texts');
    expect(refusal({ texts: [] })).to.contain('1 to 256');
    expect(refusal({ texts: Array(analyzeLimits.texts + 1).fill('x') })).to.contain('1 to 256');
    expect(refusal({ texts: ['ok', { $ne: 1 }] })).to.contain('texts[1] must be a string');
    expect(refusal({ text: 'x'.repeat(analyzeLimits.textLength + 1) })).to.contain('at most 10000');
    expect(refusal({ text: 'x', admin: true })).to.contain('unknown field: admin');
  });
});
