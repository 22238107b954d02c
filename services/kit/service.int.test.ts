import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { startServiceProcess, type ServiceProcess } from '../../e2e/testenv/service-process.js';

const fixture = fileURLToPath(new URL('./testdata/slow-service.ts', import.meta.url));

describe('service lifecycle (real process)', () => {
  let service: ServiceProcess;
  let apiPort: number;
  before(async () => {
    service = await startServiceProcess(fixture, { SHUTDOWN_TIMEOUT: '10s' });
    apiPort = (await service.waitForLog((l) => l.message === 'api listening')).port as number;
  });
  after(() => service?.kill());

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
    expect(service.lines.length).to.be.at.least(3);
    for (const line of service.lines) {
      expect(line).to.include.keys('timestamp', 'level', 'service', 'trace_id', 'correlation_id', 'span_id');
      expect(line.service).to.equal('slow');
    }
  });

  it('on SIGTERM turns not-ready, finishes the request in flight, then exits 0', async () => {
    const inFlight = fetch(`http://127.0.0.1:${apiPort}/work?ms=1000`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exitCode = service.stop();
    await new Promise((resolve) => setTimeout(resolve, 150));

    const readyWhileDraining = await fetch(`http://127.0.0.1:${service.opsPort}/readyz`);
    expect(readyWhileDraining.status).to.equal(503);
    const response = await inFlight;
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ waited: 1000 });
    expect(await exitCode).to.equal(0);
    expect(service.lines.map((l) => l.message)).to.include.members(['shutting down', 'stopped']);
  });
});
