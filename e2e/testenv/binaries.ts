import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerStartError } from './process.js';

const buildScript = fileURLToPath(new URL('./build-servers.sh', import.meta.url));

/** Which Go module (under go/) builds each server binary. */
const moduleOf = {
  'kube-apiserver': 'kube',
  'kube-controller-manager': 'kube',
  kubectl: 'kube',
  etcd: 'kube',
  ferretdb: 'ferretdb',
  'nats-server': 'nats',
  helm: 'helm',
  'lua-health': 'lua',
} as const;
export type GoServerBinary = keyof typeof moduleOf;

/**
 * The environment of the data-path Go servers (nats-server, FerretDB): one
 * scheduler thread each unless GOMAXPROCS is set (ADR 0009). On a small
 * machine shared by many busy processes, Go's default (one per core) spends
 * more on waking and parking threads than on the work.
 */
export const goServerEnv = (): NodeJS.ProcessEnv => ({ GOMAXPROCS: process.env.GOMAXPROCS ?? '1' });

const binDirs = new Map<string, string>();

/**
 * The directory holding a Go-built module's binaries. Runs the build script,
 * which is quiet and fast when the cache is warm and builds what is missing.
 */
function binDirOf(module: string): string {
  const known = binDirs.get(module);
  if (known) return known;
  let dir: string;
  try {
    const out = execFileSync('bash', [buildScript, module], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    dir = out.trim().split('\n').at(-1) ?? '';
  } catch (err) {
    throw new ServerStartError(
      `testenv: building ${module} failed (${buildScript} ${module}): ${String(err)}`,
    );
  }
  binDirs.set(module, dir);
  return dir;
}

export function goServerBinary(name: GoServerBinary): string {
  const path = join(binDirOf(moduleOf[name]), name);
  if (!existsSync(path)) throw new ServerStartError(`testenv: ${name} was not built (expected at ${path})`);
  return path;
}

/** A binary from PATH (or the usual sbin directories, which PATH may lack). */
export function systemBinary(name: string, installHint: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  throw new ServerStartError(`testenv: ${name} not found on PATH (${installHint})`);
}
