import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { server } from '../e2e/testenv/root-hooks.js';
import { startServiceProcess } from '../e2e/testenv/service-process.js';
import { helpText, programNames } from './programs.js';

// The image runs the compiled entry point; build it into a scratch directory
// that finds the project's packages.
const root = fileURLToPath(new URL('..', import.meta.url));

describe('the compiled entry point', function () {
  this.timeout(240_000);
  let out: string;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(out, 'services/main.js'), ...args], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  before(() => {
    out = mkdtempSync(join(tmpdir(), 'metachat-entry-'));
    symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
    // `npm run build`, as the image runs it (compiled code plus the model files it reads).
    execFileSync('npm', ['run', '--silent', 'build'], {
      cwd: root,
      env: { ...process.env, METACHAT_BUILD_DIR: out },
      stdio: 'inherit',
    });
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('lists the programs for --help and exits 0', () => {
    const result = run(['--help']);
    expect(result.status).to.equal(0);
    expect(result.stdout).to.equal(helpText());
    expect(result.stderr).to.equal('');
  });

  it('exits 2 with one line for an unknown program, and for none', () => {
    const unknown = run(['chatt']);
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.match(/^metachat: unknown program "chatt" \(one of: operator, .*\)\n$/);
    expect(unknown.stdout).to.equal('');
    const none = run([]);
    expect(none.status).to.equal(2);
    expect(none.stderr.trim().split('\n')).to.have.length(1);
  });

  it('starts each program: its own settings are read (and a bad one refused)', () => {
    for (const name of programNames) {
      const result = run([name], { LOG_LEVEL: 'loud' });
      expect(result.stderr, name).to.match(/^config: LOG_LEVEL must be one of .*\n$/);
      expect(result.status, name).to.equal(2);
    }
  });

  it('runs the mood service with the model files the build ships, and stops it on SIGTERM', async () => {
    const mood = await startServiceProcess(
      join(out, 'services/main.js'),
      { NATS_URL: server('nats').url, LOG_LEVEL: 'info' },
      { args: ['mood'] },
    );
    try {
      await mood.waitForLog((l) => l.message === 'built-in mood model loaded');
      await mood.waitForLog((l) => l.message === 'service started');
    } catch (err) {
      mood.kill();
      throw err;
    }
    expect(await mood.stop()).to.equal(0);
  });
});
