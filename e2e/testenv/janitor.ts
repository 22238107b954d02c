import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A test run killed outright (SIGKILL, a crashed runner) cannot stop its
// servers. Each run writes its pid into its directory; the next run kills the
// servers of directories whose owner is gone (they carry the directory in
// their directory as working directory) and removes those directories.

const ownerFile = 'owner.pid';

export function claimDirectory(dir: string): void {
  writeFileSync(join(dir, ownerFile), String(process.pid));
}

/** Running, and not a zombie (a killed runner's parent may be gone, leaving nobody to reap it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A server of `dir`: it runs in it (every server is started there; redis renames its command line). */
function belongsTo(pid: string, dir: string): boolean {
  try {
    return (
      readlinkSync(`/proc/${pid}/cwd`).startsWith(dir) ||
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)
    );
  } catch {
    return false; // ended meanwhile, or not ours to read
  }
}

/** Kills the servers of abandoned test environments under `parent` (Linux /proc). */
export function sweepAbandoned(parent: string, prefix: string): void {
  for (const name of readdirSync(parent).filter((n) => n.startsWith(prefix))) {
    const dir = join(parent, name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, ownerFile), 'utf8'));
    } catch {
      continue; // not claimed yet, or not ours
    }
    if (!owner || alive(owner)) continue;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      if (belongsTo(pid, dir)) process.kill(Number(pid), 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
