import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** A named readiness check: the service is ready when every check passes. */
export type ReadinessCheck = { name: string; check: () => Promise<void> | void };

export interface OpsServer {
  port: number;
  registry: Registry;
  /** Marks the service as draining: /readyz answers 503 from now on. */
  setDraining(): void;
  close(): Promise<void>;
}

export interface OpsServerOptions {
  service: string;
  port: number;
  host?: string;
  checks?: ReadinessCheck[];
  registry?: Registry;
}

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The operational endpoints every service serves on its own port:
 * /healthz (the process is alive), /readyz (its dependencies answer and it is
 * not draining) and /metrics (Prometheus text format).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const registry = options.registry ?? createMetricsRegistry(options.service);
  const checks = options.checks ?? [];
  let draining = false;

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: unknown, type = 'application/json') => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'method_not_allowed' });
    if (path === '/healthz') return send(200, { status: 'ok' });
    if (path === '/readyz') {
      if (draining) return send(503, { status: 'draining' });
      void runChecks(checks).then((failures) =>
        failures.length === 0 ? send(200, { status: 'ready' }) : send(503, { status: 'not_ready', failures }),
      );
      return;
    }
    if (path === '/metrics') {
      void registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        (err: unknown) => send(500, { error: 'metrics_failed', message: String(err) }),
      );
      return;
    }
    send(404, { error: 'not_found' });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    registry,
    setDraining: () => {
      draining = true;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function runChecks(checks: ReadinessCheck[]): Promise<{ check: string; error: string }[]> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await check();
        return undefined;
      } catch (err) {
        return { check: name, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  return results.filter((r) => r !== undefined);
}
