// The gateway process: REST under /api/v1 and the WebSocket at /ws.
import { connectNats } from '../kit/nats-connect.js';
import { loadConfig } from '../kit/config.js';
import { connectRedis } from '../kit/redis.js';
import { commonSettings, runService } from '../kit/service.js';
import { startGateway } from './gateway.js';
import { registerLiveMetrics } from './live-metrics.js';
import { gatewaySettings, parseOrigins } from './settings.js';

const config = loadConfig({ ...commonSettings, ...gatewaySettings });
await runService({
  service: 'gateway',
  ...config,
  async start({ log, metrics }) {
    const nc = await connectNats({ servers: config.natsUrl, name: 'gateway' });
    // Auto-pipelining: the revocation check and rate count of many sends in one tick share a write.
    const redis = connectRedis({
      url: config.redisUrl,
      commandTimeoutMs: config.redisTimeoutMs,
      log,
      options: { enableAutoPipelining: true },
    });
    const gateway = await startGateway({
      nc,
      redis,
      log,
      config: { ...config, corsOrigins: parseOrigins(config.corsOrigins) },
    });
    registerLiveMetrics(metrics, () => gateway.live.stats());
    log.info('api listening', { port: gateway.port });
    return {
      checks: [
        { name: 'redis', check: async () => void (await redis.ping()) },
        {
          name: 'live-events',
          check: () => {
            if (!gateway.live.connected) throw new Error('not yet following room events');
          },
        },
      ],
      async stop() {
        await gateway.close();
        await nc.drain();
        redis.disconnect();
      },
    };
  },
});
