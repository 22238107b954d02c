import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { join } from 'node:path';
import { goServerBinary, goServerEnv } from '../binaries.js';
import { startProcess, waitUntilReady } from '../process.js';
import type { RunningServer, ServerSlot } from './slot.js';

export interface NatsDetails {
  url: string;
  port: number;
}

/** nats-server 2.12 (Go-built) with JetStream storing under the slot's directory. */
export async function startNats(slot: ServerSlot): Promise<RunningServer<NatsDetails>> {
  const proc = startProcess({
    name: 'nats-server',
    command: goServerBinary('nats-server'),
    args: [
      '-a',
      '127.0.0.1',
      '-p',
      String(slot.port),
      '-js',
      '-sd',
      join(slot.dir, 'jetstream'),
      '-n',
      'metachat-test',
    ],
    logFile: join(slot.dir, 'nats.log'),
    cwd: slot.dir,
    env: goServerEnv(),
  });
  const url = `nats://127.0.0.1:${slot.port}`;
  await waitUntilReady(proc, () => jetStreamAnswers(url), slot.timeoutMs);
  return { details: { url, port: slot.port }, stop: () => proc.stop(), kill: () => proc.kill() };
}

async function jetStreamAnswers(url: string): Promise<boolean> {
  const nc = await connect({ servers: url, reconnect: false, timeout: 1000 });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 1000 });
    await jsm.getAccountInfo();
    return true;
  } finally {
    await nc.close();
  }
}
