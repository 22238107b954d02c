import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';

/** How many ports above the base `make dev` uses (dev-settings.ts). */
const span = 20;

function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A base with `span` free ports above it, below the kernel's ephemeral range. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 20 * Math.floor(Math.random() * 600);
    const ports = Array.from({ length: span }, (_, i) => base + i);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no block of free ports for make dev');
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

interface DevRun {
  make: ChildProcess;
  base: number;
  exited: Promise<number | null>;
}

/** `make dev` on its own base port, in a process group of its own, until it says it is ready. */
async function startMakeDev(dir: string): Promise<DevRun> {
  const base = await freeBase();
  const make = spawn('make', ['--no-print-directory', '-s', 'dev'], {
    env: { ...process.env, METACHAT_DEV_BASE_PORT: String(base), METACHAT_DEV_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  make.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  make.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => make.once('exit', (code) => resolve(code)));
  await eventually(
    'make dev to say it is ready',
    async () => {
      if (make.exitCode !== null) throw new Error(`make dev exited early: ${output}`);
      return output.includes('Ctrl-C stops everything');
    },
    240_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${output.slice(-2000)}`);
  });
  return { make, base, exited };
}

async function expectAllStopped(run: DevRun): Promise<void> {
  await run.exited;
  await eventually('every process of make dev to exit', async () => !groupAlive(run.make.pid!), 30_000);
  for (let i = 0; i < span; i++) {
    expect(await listening(run.base + i), `port ${run.base + i} still answers`).to.equal(false);
  }
}

describe('make dev', function () {
  this.timeout(300_000);
  let dir: string;
  let run: DevRun | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'metachat-dev-'));
  });
  afterEach(async () => {
    if (run && groupAlive(run.make.pid!)) process.kill(-run.make.pid!, 'SIGKILL');
    run = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API on the base port and stops everything on a SIGINT to its process', async () => {
    run = await startMakeDev(dir);
    const openapi = await fetch(`http://127.0.0.1:${run.base}/api/v1/openapi.json`);
    expect(openapi.status).to.equal(200);
    const [platform] = childrenOf(run.make.pid!);
    expect(platform, 'make dev runs the platform as its child').to.be.a('number');
    process.kill(platform!, 'SIGINT');
    await expectAllStopped(run);
  });

  it('stops everything on a SIGTERM to make', async () => {
    run = await startMakeDev(dir);
    process.kill(run.make.pid!, 'SIGTERM');
    await expectAllStopped(run);
  });
});
