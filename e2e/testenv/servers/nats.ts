import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type ConnectionOptions } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { natsAuth, type NatsAuth } from '../../../services/kit/connection-settings.js';
import { renderNatsAuthorization } from '../../../services/kit/nats-authorization.js';
import { natsServices, type NatsService } from '../../../services/kit/nats-permissions.js';
import { goServerBinary, goServerEnv } from '../binaries.js';
import { startProcess, waitUntilReady } from '../process.js';
import type { RunningServer, ServerSlot } from './slot.js';

export interface NatsDetails {
  url: string;
  port: number;
  /** Each service's sign-in, when the server has a user per service (nobody else gets in). */
  users?: Record<NatsService, NatsAuth>;
}

/**
 * nats-server 2.12 (Go-built) with JetStream storing under the slot's
 * directory; with `natsUsers`, under the authorization MetaChat deploys with.
 */
export async function startNats(
  slot: ServerSlot,
  options: { natsUsers?: boolean } = {},
): Promise<RunningServer<NatsDetails>> {
  const config = join(slot.dir, 'authorization.conf');
  const usersFile = join(slot.dir, 'users.json');
  // A restart of the server keeps its users, so the services' sign-ins still hold.
  const users = options.natsUsers
    ? existsSync(usersFile)
      ? (JSON.parse(readFileSync(usersFile, 'utf8')) as Record<NatsService, NatsAuth>)
      : serviceUsers()
    : undefined;
  if (users) {
    writeFileSync(usersFile, JSON.stringify(users));
    writeFileSync(
      config,
      renderNatsAuthorization((service) => ({ value: users[service].pass })),
    );
  }
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
      ...(users ? ['-c', config] : []),
    ],
    logFile: join(slot.dir, 'nats.log'),
    cwd: slot.dir,
    env: goServerEnv(),
  });
  const url = `nats://127.0.0.1:${slot.port}`;
  // The operator's user may ask for JetStream's account info, as a probe needs.
  await waitUntilReady(proc, () => jetStreamAnswers(url, users?.operator), slot.timeoutMs);
  return {
    details: { url, port: slot.port, ...(users ? { users } : {}) },
    stop: () => proc.stop(),
    kill: () => proc.kill(),
  };
}

function serviceUsers(): Record<NatsService, NatsAuth> {
  const entries = natsServices.map((service) => [
    service,
    natsAuth(service, randomBytes(18).toString('base64url'))!,
  ]);
  return Object.fromEntries(entries) as Record<NatsService, NatsAuth>;
}

async function jetStreamAnswers(url: string, auth?: ConnectionOptions): Promise<boolean> {
  const nc = await connect({ servers: url, reconnect: false, timeout: 1000, ...auth });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 1000 });
    await jsm.getAccountInfo();
    return true;
  } finally {
    await nc.close();
  }
}
