import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { goServerBinary, goServerEnv } from '../binaries.js';
import { startProcess, waitUntilReady } from '../process.js';
import type { RunningServer, ServerSlot } from './slot.js';

export interface MongoDetails {
  /** A MongoDB connection string; FerretDB speaks the MongoDB wire protocol. */
  url: string;
  port: number;
}

/**
 * WAL without an fsync per commit: survives any process crash, like
 * JetStream's default. Temporary files in memory: SQLite then keeps each
 * statement's rollback journal in small heap chunks instead of mapping and
 * unmapping a 64 KiB buffer per statement (FerretDB inserts a document per
 * statement); durability is unchanged (ADR 0006).
 */
const sqlitePragmas = '_pragma=synchronous(normal)&_pragma=temp_store(memory)';

/** FerretDB v1 (Go-built) on a SQLite directory. */
export async function startFerretDB(slot: ServerSlot): Promise<RunningServer<MongoDetails>> {
  const dataDir = join(slot.dir, 'sqlite');
  mkdirSync(dataDir, { recursive: true });
  const proc = startProcess({
    name: 'ferretdb',
    command: goServerBinary('ferretdb'),
    args: [
      '-listen-addr',
      `127.0.0.1:${slot.port}`,
      '-sqlite-url',
      `file:${dataDir}/?${sqlitePragmas}`,
      // For profiling FerretDB under a benchmark: go tool pprof http://ADDR/debug/pprof/profile
      ...(process.env.METACHAT_FERRETDB_PPROF ? ['-pprof-addr', process.env.METACHAT_FERRETDB_PPROF] : []),
    ],
    logFile: join(slot.dir, 'ferretdb.log'),
    cwd: slot.dir,
    env: goServerEnv(),
  });
  const url = `mongodb://127.0.0.1:${slot.port}/`;
  await waitUntilReady(proc, () => pingMongo(url), slot.timeoutMs);
  return { details: { url, port: slot.port }, stop: () => proc.stop(), kill: () => proc.kill() };
}

async function pingMongo(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
  try {
    await client.connect();
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1;
  } finally {
    await client.close();
  }
}
