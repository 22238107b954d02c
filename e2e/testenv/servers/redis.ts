import { Redis } from 'ioredis';
import { join } from 'node:path';
import { systemBinary } from '../binaries.js';
import { startProcess, waitUntilReady } from '../process.js';
import type { RunningServer, ServerSlot } from './slot.js';

export interface RedisDetails {
  url: string;
  port: number;
}

/** redis-server from Debian, in memory only (no RDB, no AOF). */
export async function startRedis(slot: ServerSlot): Promise<RunningServer<RedisDetails>> {
  const bin = systemBinary('redis-server', 'apt-get install redis-server');
  const proc = startProcess({
    name: 'redis-server',
    command: bin,
    args: [
      '--bind',
      '127.0.0.1',
      '--port',
      String(slot.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      slot.dir,
    ],
    logFile: join(slot.dir, 'redis.log'),
    cwd: slot.dir,
  });
  const url = `redis://127.0.0.1:${slot.port}`;
  await waitUntilReady(proc, () => ping(url), slot.timeoutMs);
  return { details: { url, port: slot.port }, stop: () => proc.stop(), kill: () => proc.kill() };
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
    commandTimeout: 1000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}
