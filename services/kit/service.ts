import { setTimeout as sleep } from 'node:timers/promises';
import type { Registry } from 'prom-client';
import { setting, type Setting } from './config.js';
import { createLogger, logLevels, type Logger } from './log.js';
import { startOpsServer, type ReadinessCheck } from './ops-server.js';

/** Settings every service reads, besides its own. */
export const commonSettings = {
  logLevel: setting.oneOf('LOG_LEVEL', logLevels, { default: 'info' }),
  opsPort: setting.port('OPS_PORT', { default: 9090, description: 'port of /healthz, /readyz and /metrics' }),
  shutdownTimeoutMs: setting.duration('SHUTDOWN_TIMEOUT', { default: 20_000 }),
} satisfies Record<string, Setting<unknown>>;

export interface ServiceContext {
  log: Logger;
  metrics: Registry;
}

/** What a started service hands back: its readiness checks and how to stop it. */
export interface StartedService {
  checks?: ReadinessCheck[];
  /** Stops taking new work and finishes what is in flight. */
  stop(): Promise<void>;
}

export interface RunOptions {
  service: string;
  logLevel: (typeof logLevels)[number];
  opsPort: number;
  shutdownTimeoutMs: number;
  start(ctx: ServiceContext): Promise<StartedService>;
}

/**
 * Runs a service process: ops endpoints first, then the service; on SIGTERM
 * or SIGINT, /readyz turns 503, the service finishes in-flight work (bounded by
 * the shutdown timeout) and the process exits 0 (1 if stopping failed or timed out).
 */
export async function runService(options: RunOptions): Promise<void> {
  const log = createLogger({ service: options.service, level: options.logLevel });
  const checks: ReadinessCheck[] = [];
  const ops = await startOpsServer({ service: options.service, port: options.opsPort, checks });
  log.info('ops endpoints listening', { port: ops.port });

  let started: StartedService;
  try {
    started = await options.start({ log, metrics: ops.registry });
  } catch (err) {
    log.error('service failed to start', { error: err });
    await ops.close();
    process.exit(1);
  }
  checks.push(...(started.checks ?? []));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    ops.setDraining();
    const outcome = await Promise.race([
      started.stop().then(
        () => 'stopped' as const,
        (err: unknown) => err,
      ),
      sleep(options.shutdownTimeoutMs, 'timeout' as const, { ref: false }),
    ]);
    await ops.close();
    if (outcome === 'stopped') log.info('stopped');
    else log.error('shutdown incomplete', { reason: outcome === 'timeout' ? 'timeout' : outcome });
    process.exit(outcome === 'stopped' ? 0 : 1);
  };
  // Listening before "service started" is written: a signal sent by whoever read that line must
  // find a handler, not the default action that ends the process at once.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  log.info('service started');
  // Started by a test harness: leave with it, even when it dies without stopping us.
  if (process.env.METACHAT_EXIT_WITH_PARENT === '1') {
    process.stdin.on('end', () => void shutdown('parent exited')).resume();
  }
}
