import { expect } from 'chai';
import { parseCsv } from './data.js';

describe('mood training data', () => {
  it('reads CSV with quotes, doubled quotes and newlines inside fields', () => {
    expect(parseCsv('"1","a ""quoted"" word"\n"-1","two\nlines"\n')).to.deep.equal([
      ['1', 'a "quoted" word'],
      ['-1', 'two\nlines'],
    ]);
  });
});
