import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { ActorClient } from '../actors/client.js';
import { AccessTokenVerifier } from '../identity/verifier.js';
import type { Logger } from '../kit/log.js';
import { cors, errorHandler, jsonBody, notFound, securityHeaders, tracing } from './http.js';
import { PresenceStore } from '../presence/presence-store.js';
import { BlockCache } from './block-cache.js';
import { LiveHub } from './live.js';
import { MessageSender } from './message-sender.js';
import { answerClientError } from './client-error.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter, type RateLimits } from './rate-limit.js';
import { apiRoutes } from './routes.js';
import { webApp } from './web-app.js';

export interface GatewayDeps {
  nc: NatsConnection;
  redis: Redis;
  log: Logger;
  config: {
    port: number;
    host: string;
    jwtSecret: string;
    partitions: number;
    corsOrigins: string[];
    bodyLimitBytes: number;
    wsMaxFrameBytes: number;
    rateLimits: RateLimits;
    trustProxyHops: number;
    presenceTtlSeconds: number;
    typingTtlSeconds: number;
    wsMaxSocketsPerUser: number;
    wsMaxBacklogBytes: number;
    /** The built web app's directory, served at `/`; none when undefined. */
    webRoot?: string;
  };
}

export interface Gateway {
  server: Server;
  port: number;
  live: LiveHub;
  app: express.Express;
  close(): Promise<void>;
}

/** The public edge: REST under /api/v1, live events at /ws and the web app at /. Stateless; any number of replicas. */
export async function startGateway({ nc, redis, log, config }: GatewayDeps): Promise<Gateway> {
  const verifier = new AccessTokenVerifier(config.jwtSecret, redis);
  const presence = new PresenceStore(redis, config.presenceTtlSeconds * 1000);
  const blocks = new BlockCache(nc);
  blocks.start();
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // req.ip: the address that many proxies back in X-Forwarded-For (rate limits before sign-in are keyed by it).
  app.set('trust proxy', config.trustProxyHops);
  const actors = new ActorClient(nc, config.partitions);
  const limiter = new RateLimiter(redis, config.rateLimits);
  const messages = new MessageSender(actors, blocks);
  app.use(tracing(), securityHeaders(), cors(config.corsOrigins), jsonBody(config.bodyLimitBytes));
  app.get('/api/v1/openapi.json', (_req, res) => void res.json(openApiDocument));
  app.use('/api/v1', apiRoutes({ nc, actors, verifier, limiter, presence, blocks, messages }));
  if (config.webRoot) app.use(webApp(config.webRoot));
  app.use(notFound);
  app.use(errorHandler(log));

  const server = createServer({ maxHeaderSize: 16 * 1024 }, app);
  server.requestTimeout = 30_000;
  server.on('clientError', answerClientError);
  const live = new LiveHub(server, {
    nc,
    actors,
    verifier,
    log,
    maxFrameBytes: config.wsMaxFrameBytes,
    presence,
    typingTtlMs: config.typingTtlSeconds * 1000,
    blocks,
    messages,
    limiter,
    limits: { maxSocketsPerUser: config.wsMaxSocketsPerUser, maxBacklogBytes: config.wsMaxBacklogBytes },
  });
  await live.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  return {
    server,
    app,
    live,
    port: (server.address() as AddressInfo).port,
    async close() {
      await live.close();
      blocks.close();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
