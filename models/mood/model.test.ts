import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MoodModel } from './model.js';

describe('mood model (committed artifacts, TF.js wasm backend)', function () {
  this.timeout(30_000);
  let model: MoodModel;
  before(async () => {
    model = await MoodModel.load();
  });

  it('scores clear English opinions the right way round', () => {
    const [good, bad] = model.score(['What a wonderful, happy day!', 'This was awful and I hate it.']);
    expect(good!.valence).to.equal('positive');
    expect(bad!.valence).to.equal('negative');
    expect(good!.valenceScore).to.be.above(bad!.valenceScore);
  });

  it('gives a defined result for awkward input, never a crash', () => {
    const awkward = [
      '',
      ' ',
      '😊',
      '\u0000\u0001binary\uFFFD',
      'x'.repeat(1_000_000),
      'Hello привет мир',
      '!!!???',
    ];
    const results = model.score(awkward);
    expect(results).to.have.length(awkward.length);
    for (const r of results) {
      expect(['negative', 'neutral', 'positive']).to.include(r.valence);
      expect(r.valenceScore).to.be.within(-1, 1);
      expect(Object.values(r.emotions).reduce((a, b) => a + b, 0)).to.be.closeTo(1, 0.01);
    }
    expect(results[0]).to.include({ valence: 'neutral', language: 'und' });
    expect(results[2]!.valence).to.equal('positive');
    expect(results[5]!.language).to.equal('ru');
  });

  it('answers `npm run --silent mood:score` line by line, in order, with errors in place', () => {
    const cli = fileURLToPath(new URL('./score-cli.ts', import.meta.url));
    const input = ['{"text":"I am so happy"}', 'not json', '{"text":"Мне страшно"}', '{"nope":1}'].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli], { input, encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).to.have.length(4);
    expect(lines[0]).to.include({ valence: 'positive' });
    expect(lines[1]).to.deep.equal({ error: 'not JSON' });
    expect(lines[2]).to.include({ language: 'ru', valence: 'negative' });
    expect(lines[3]).to.have.property('error');
  });
});
