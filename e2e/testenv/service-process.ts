import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export type LogLine = Record<string, unknown> & { message?: string };

/** A service started as a real process, with its JSON log lines collected. */
export interface ServiceProcess {
  child: ChildProcess;
  lines: LogLine[];
  opsPort: number;
  /** Resolves with the first line (already seen or coming) that matches. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  kill(): void;
}

/**
 * Starts a service entry point — TypeScript through tsx, or compiled JavaScript
 * (`npm run build`) as shipped — and waits until its ops endpoints listen
 * (OPS_PORT=0 lets the OS pick the port; the log says which).
 */
export async function startServiceProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  options: { nodeArgs?: string[]; args?: string[] } = {},
): Promise<ServiceProcess> {
  // METACHAT_NODE_ARGS adds node flags to every service (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = [
    ...(process.env.METACHAT_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ...(options.nodeArgs ?? []),
    ...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, entry, ...(options.args ?? [])], {
    // The child watches its stdin: when this process dies, the pipe closes and the child stops.
    env: { ...process.env, OPS_PORT: '0', METACHAT_EXIT_WITH_PARENT: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { message: text, unstructured: true };
    }
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (!waiter.match(line)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;

  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 30_000) => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching log line from ${entry} within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`,
            ),
          ),
        timeoutMs,
      );
      waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then(([code]) => reject(new Error(`${entry} exited (${code}): ${stderr.slice(-500)}`)));
    });
  };

  const ops = await waitForLog((l) => l.message === 'ops endpoints listening');
  return {
    child,
    lines,
    opsPort: ops.port as number,
    waitForLog,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return (await exited)[0];
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
