import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server process started by the test environment, with its output in a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited; never rejects. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (a crash: nothing flushed, nothing said goodbye), and wait until it is gone. */
  kill(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class ServerStartError extends Error {
  override name = 'ServerStartError';
}

export function startProcess(options: StartOptions): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  // Resolves once the process is gone *and* its output is in the log file,
  // so an error message can quote the log's last lines.
  const exited = new Promise<number | null>((resolve) => {
    const finish = (code: number | null) => {
      log.end(() => resolve(code));
    };
    child.once('error', (err) => {
      log.write(`\n[testenv] could not start ${options.command}: ${err.message}\n`);
      finish(null);
    });
    child.once('close', (code, signal) => finish(code ?? (signal ? 128 : null)));
  });
  let running = true;
  void exited.then(() => {
    running = false;
  });
  return {
    name: options.name,
    logFile: options.logFile,
    child,
    exited,
    async stop(graceMs = 5000) {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!running) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The last non-empty lines of a log file joined into one, for one-line error messages. */
export function lastLogLine(logFile: string, count = 2): string {
  try {
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.length === 0
      ? '(empty log)'
      : lines
          .slice(-count)
          .map((l) => l.slice(0, 300))
          .join(' | ');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `probe` until it returns true. Fails with one clear line naming the
 * server and the reason when the process exits first or the time runs out.
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  probeTimeoutMs = 2000,
): Promise<void> {
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => {
    exitCode = code;
  });
  const exitedEarly = () =>
    new ServerStartError(
      `testenv: ${proc.name} exited (code ${exitCode}) before it was ready: ${lastLogLine(proc.logFile)} (log: ${proc.logFile})`,
    );
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw exitedEarly();
    // A probe can hang (something else answers on the port): bound each one.
    const outcome = await Promise.race([
      probe().then(
        (ready) => (ready ? 'ready' : 'not-ready'),
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      ),
      proc.exited.then(() => 'exited'),
      sleep(probeTimeoutMs, 'probe timed out'),
    ]);
    if (outcome === 'ready') return;
    if (outcome === 'exited') throw exitedEarly();
    if (outcome !== 'not-ready') lastError = outcome;
    await sleep(100);
  }
  throw new ServerStartError(
    `testenv: ${proc.name} was not ready after ${timeoutMs / 1000}s (${lastError || lastLogLine(proc.logFile)}; log: ${proc.logFile})`,
  );
}
