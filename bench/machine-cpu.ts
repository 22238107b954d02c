import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** USER_HZ, the unit of /proc/stat: 100 on every Linux Node runs on. */
const ticksPerSecond = 100;

/**
 * Milliseconds of CPU the whole machine has spent busy since boot (every
 * process: servers, services and the load generator), from /proc/stat.
 * Its difference over a run, divided by the messages the run carried, is the
 * run's CPU per message: steadier from run to run than throughput on a
 * machine whose speed varies. Linux only.
 */
export function machineBusyMs(): number {
  const total = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq] = total.trim().split(/\s+/).slice(1).map(Number) as number[];
  return ((user! + nice! + system! + irq! + softirq!) * 1000) / ticksPerSecond;
}

/**
 * Waits until the machine is quiet: under `busyFraction` of its cores busy
 * over a 500-ms window, or `maxMs` passed. A run started while the last
 * one's work still drains (a projection's backlog, snapshots, a saturated
 * run's queues) measures both. Answers whether it settled.
 */
export async function machineSettled({ busyFraction = 0.15, maxMs = 20_000 } = {}): Promise<boolean> {
  const windowMs = 500;
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const busyBefore = machineBusyMs();
    await new Promise((r) => setTimeout(r, windowMs));
    if ((machineBusyMs() - busyBefore) / (windowMs * availableParallelism()) < busyFraction) return true;
  }
  return false;
}

/** CPU milliseconds one process has used (user + system), from /proc/<pid>/stat; 0 once it has gone. */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

export interface NamedProcess {
  label: string;
  pid: number;
}

/**
 * The processes of servers the benchmark started, found by program name and
 * the port on their command line (redis-server rewrites its command line to
 * "redis-server 127.0.0.1:PORT", so the port is what every server keeps).
 */
export function serverProcesses(servers: { program: string; port: number }[]): NamedProcess[] {
  const found: NamedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // gone meanwhile
    }
    const server = servers.find(
      (s) => commandLine.includes(s.program) && new RegExp(`(^|[\\s:])${s.port}(\\s|$)`).test(commandLine),
    );
    if (server) found.push({ label: server.program, pid: Number(entry) });
  }
  return found;
}
