import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./testdata/slow-service.ts', import.meta.url));

interface Started {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  opsPort: number;
  apiPort: number;
}

/** Starts the fixture service as a real process and waits for both its ports. */
async function startFixture(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, OPS_PORT: '0', SHUTDOWN_TIMEOUT: '10s' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  const ports: Record<string, number> = {};
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      if (line.message === 'ops endpoints listening') ports.ops = line.port as number;
      if (line.message === 'api listening') ports.api = line.port as number;
      if (ports.ops && ports.api) resolve();
    });
  });
  return { child, lines, opsPort: ports.ops!, apiPort: ports.api! };
}

describe('service lifecycle (real process)', () => {
  let service: Started;
  before(async () => {
    service = await startFixture();
  });
  after(() => service?.child.kill('SIGKILL'));

  it('serves /healthz, /readyz and Prometheus /metrics on the ops port', async () => {
    const base = `http://127.0.0.1:${service.opsPort}`;
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({ status: 'ready' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).to.match(/^# HELP process_cpu_user_seconds_total/m);
    expect(metrics).to.contain('service="slow"');
  });

  it('logs JSON lines with the trace keys', () => {
    for (const line of service.lines) {
      expect(line).to.include.keys('timestamp', 'level', 'service', 'trace_id', 'correlation_id', 'span_id');
      expect(line.service).to.equal('slow');
    }
  });

  it('on SIGTERM turns not-ready, finishes the request in flight, then exits 0', async () => {
    const inFlight = fetch(`http://127.0.0.1:${service.apiPort}/work?ms=1000`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = once(service.child, 'exit');
    service.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 150));

    const readyWhileDraining = await fetch(`http://127.0.0.1:${service.opsPort}/readyz`);
    expect(readyWhileDraining.status).to.equal(503);
    const response = await inFlight;
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ waited: 1000 });
    const [code] = await exited;
    expect(code).to.equal(0);
    expect(service.lines.map((l) => l.message)).to.include.members(['shutting down', 'stopped']);
  });
});
