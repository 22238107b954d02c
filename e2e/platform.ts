import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { NatsAuth } from '../services/kit/connection-settings.js';
import type { NatsService } from '../services/kit/nats-permissions.js';
import { eventually } from './testenv/eventually.js';
import { startServiceProcess, type ServiceProcess } from './testenv/service-process.js';

const entry = (path: string) => fileURLToPath(new URL(`../services/${path}`, import.meta.url));

export interface Platform {
  identity: ServiceProcess;
  /** The chat service replicas. */
  chat: ServiceProcess[];
  mood?: ServiceProcess;
  /** Diary, portrait and matching, when asked for. */
  moodLayer?: ServiceProcess[];
  notifications?: ServiceProcess;
  gateways: { process: ServiceProcess; url: string }[];
  jwtSecret: string;
  /** The NATS server the services use. */
  natsUrl: string;
  /** The MongoDB database the services use. */
  database: string;
  /** Each service's NATS user, when the server has authorization on. */
  natsUsers?: Record<NatsService, NatsAuth>;
  stop(): Promise<void>;
}

/**
 * The MetaChat services as real processes on the test environment's
 * servers: identity, chat and `gateways` gateway replicas.
 */
export interface PlatformOptions {
  natsUrl: string;
  mongoUrl: string;
  redisUrl: string;
  database: string;
  gateways?: number;
  chatReplicas?: number;
  /** Also run the mood service. */
  mood?: boolean;
  /** Also run the diary, portrait and matching services (implies mood). */
  moodLayer?: boolean;
  /** Also run the notification service. */
  notifications?: boolean;
  /** Extra settings for every service (e.g. short leases for failover tests). */
  env?: Record<string, string>;
  /** Each service's NATS user, when the server has authorization on (see startNats). */
  natsUsers?: Record<NatsService, NatsAuth>;
}

export async function startPlatform(servers: PlatformOptions): Promise<Platform> {
  const jwtSecret = randomBytes(32).toString('hex');
  const common = {
    NATS_URL: servers.natsUrl,
    MONGO_URL: servers.mongoUrl,
    MONGO_DB: servers.database,
    REDIS_URL: servers.redisUrl,
    JWT_SECRET: jwtSecret,
    ACTOR_PARTITIONS: '8',
    LOG_LEVEL: 'warn',
    // Load tests send thousands of requests as a few users; the rate-limit test sets its own.
    RATE_LIMITS: 'off',
    ...servers.env,
  };
  // Each service signs in as its own NATS user, as deployed.
  const as = (service: NatsService) => {
    const auth = servers.natsUsers?.[service];
    return auth ? { NATS_USER: auth.user, NATS_PASSWORD: auth.pass } : {};
  };
  const started: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((p) => p.stop()));
  };
  try {
    const ready = async (p: Promise<ServiceProcess>) => {
      const proc = await p;
      started.push(proc);
      return proc;
    };
    const [identity, ...chat] = await Promise.all([
      ready(
        startServiceProcess(entry('identity/main.ts'), { ...common, ...as('identity'), LOG_LEVEL: 'info' }),
      ),
      ...Array.from({ length: servers.chatReplicas ?? 1 }, (_, i) =>
        ready(
          startServiceProcess(entry('chat/main.ts'), {
            ...common,
            ...as('chat'),
            LOG_LEVEL: 'info',
            REPLICA_ID: `chat-${i}`,
          }),
        ),
      ),
    ]);
    const mood =
      servers.mood || servers.moodLayer
        ? await ready(
            startServiceProcess(entry('mood/main.ts'), { ...common, ...as('mood'), LOG_LEVEL: 'info' }),
          )
        : undefined;
    const moodLayer = servers.moodLayer
      ? await Promise.all(
          (['diary', 'portrait', 'matching'] as const).map((name) =>
            ready(
              startServiceProcess(entry(`${name}/main.ts`), { ...common, ...as(name), LOG_LEVEL: 'info' }),
            ),
          ),
        )
      : [];
    const notifications = servers.notifications
      ? await ready(
          startServiceProcess(entry('notifications/main.ts'), {
            ...common,
            ...as('notifications'),
            LOG_LEVEL: 'info',
          }),
        )
      : undefined;
    const optional = [mood, notifications].filter((p): p is ServiceProcess => p !== undefined);
    for (const proc of [identity!, ...chat, ...optional, ...moodLayer])
      await proc.waitForLog((l) => l.message === 'service started');
    const gateways = await Promise.all(
      Array.from({ length: servers.gateways ?? 1 }, async () => {
        const proc = await ready(
          startServiceProcess(entry('gateway/main.ts'), {
            ...common,
            ...as('gateway'),
            PORT: '0',
            LOG_LEVEL: 'info',
          }),
        );
        const { port } = await proc.waitForLog((l) => l.message === 'api listening');
        await eventually(
          'the gateway to be ready',
          async () => (await fetch(`http://127.0.0.1:${proc.opsPort}/readyz`)).ok,
          10_000,
        );
        return { process: proc, url: `http://127.0.0.1:${port as number}` };
      }),
    );
    return {
      identity: identity!,
      chat,
      ...(mood ? { mood } : {}),
      ...(servers.moodLayer ? { moodLayer } : {}),
      ...(notifications ? { notifications } : {}),
      gateways,
      jwtSecret,
      natsUrl: servers.natsUrl,
      database: servers.database,
      ...(servers.natsUsers ? { natsUsers: servers.natsUsers } : {}),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
