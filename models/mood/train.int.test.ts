import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const committed = fileURLToPath(new URL('./artifacts/', import.meta.url));
const read = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as {
    evaluation: { heldOut: Record<string, Record<string, number>> };
  };

describe('mood model training (make model, from the packaged data)', function () {
  this.timeout(600_000); // reading the word vectors and training take about two minutes alone
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'metachat-model-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('reproduces the committed model and figures', () => {
    const train = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./train.ts', import.meta.url))],
      { env: { ...process.env, MOOD_ARTIFACTS_DIR: scratch }, encoding: 'utf8' },
    );
    expect(train.status, train.stderr.slice(-2000)).to.equal(0);
    const [fresh, shipped] = [read(scratch).evaluation.heldOut, read(committed).evaluation.heldOut];
    for (const [system, figures] of Object.entries(shipped)) {
      for (const [split, accuracy] of Object.entries(figures)) {
        expect(fresh[system]![split], `${system} on ${split}`).to.be.closeTo(accuracy, 1);
      }
    }
    expect(train.stdout).to.contain('| MetaChat model |');
  });
});
