import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimDirectory, sweepAbandoned } from './janitor.js';
import { freePort } from './ports.js';
import { startFerretDB, type MongoDetails } from './servers/ferretdb.js';
import { startKube, type KubeDetails } from './servers/kube.js';
import { startNats, type NatsDetails } from './servers/nats.js';
import { startRedis, type RedisDetails } from './servers/redis.js';
import type { RunningServer, ServerSlot } from './servers/slot.js';

export type { KubeDetails, MongoDetails, NatsDetails, RedisDetails };

export const serverNames = ['kube', 'mongo', 'nats', 'redis'] as const;
export type ServerName = (typeof serverNames)[number];

export interface TestEnv {
  kube?: KubeDetails;
  mongo?: MongoDetails;
  nats?: NatsDetails;
  redis?: RedisDetails;
  /** The directory holding every server's data and log files. */
  dir: string;
  /**
   * Takes one server away as an outage would: `stop` (SIGTERM) or `kill`
   * (SIGKILL, a crash). `back()` starts it again on the same port with the
   * same data directory.
   */
  takeDown(name: ServerName, how: 'stop' | 'kill'): Promise<{ back(): Promise<void> }>;
  stop(): Promise<void>;
}

export interface TestEnvOptions {
  servers?: readonly ServerName[];
  /** Fixed ports (for `make dev`); free loopback ports are picked otherwise. */
  ports?: Partial<Record<ServerName, number>>;
  /** A directory to keep data in; a fresh temporary one, removed on stop, otherwise. */
  dir?: string;
  timeoutMs?: number;
  /** NATS with one user per MetaChat service and the subject permissions of `permissionsFor`; no anonymous access. */
  natsUsers?: boolean;
}

const starters: {
  [K in ServerName]: (
    slot: ServerSlot,
    options: TestEnvOptions,
  ) => Promise<RunningServer<NonNullable<TestEnv[K]>>>;
} = {
  kube: startKube,
  mongo: startFerretDB,
  nats: startNats,
  redis: startRedis,
};

/**
 * Starts the real servers MetaChat runs on, on loopback, waits until each is
 * ready and hands back how to reach them. If any fails, the others are stopped
 * and the error names the server and why.
 */
export async function startTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const names = options.servers ?? serverNames;
  const temporary = options.dir === undefined;
  if (temporary) sweepAbandoned(tmpdir(), 'metachat-testenv-');
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'metachat-testenv-'));
  if (temporary) claimDirectory(dir);
  const timeoutMs = options.timeoutMs ?? 60_000;

  const running = new Map<ServerName, RunningServer<unknown>>();
  const slots = new Map<ServerName, ServerSlot>();
  const stopServers = () => Promise.all([...running.values()].map((server) => server.stop()));
  const stop = async () => {
    await stopServers();
    if (temporary && !process.env.METACHAT_KEEP_TESTENV) rmSync(dir, { recursive: true, force: true });
  };

  const takeDown = async (name: ServerName, how: 'stop' | 'kill') => {
    const server = running.get(name);
    if (!server) throw new Error(`testenv: ${name} is not running here`);
    await server[how]();
    running.delete(name);
    return {
      back: async () => {
        running.set(name, await starters[name](slots.get(name)!, options));
      },
    };
  };
  const env: TestEnv = { dir, stop, takeDown };
  const results = await Promise.allSettled(
    names.map(async (name) => {
      const serverDir = join(dir, name);
      mkdirSync(serverDir, { recursive: true });
      const port = options.ports?.[name] ?? (await freePort());
      const slot = { port, dir: serverDir, timeoutMs };
      slots.set(name, slot);
      const server = await starters[name](slot, options);
      running.set(name, server);
      (env as unknown as Record<ServerName, unknown>)[name] = server.details;
    }),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await stopServers(); // the directory stays: the error points at its logs
    throw failure.reason;
  }
  return env;
}

/** Parses a comma-separated list such as "nats,redis" into server names. */
export function parseServerList(list: string): ServerName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(serverNames as readonly string[]).includes(name)) {
      throw new Error(`unknown test server "${name}"; known: ${serverNames.join(', ')}`);
    }
  }
  return names as ServerName[];
}
