// The identity service process: accounts and sessions over NATS request/reply.
import { connectNats } from '../kit/nats-connect.js';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../kit/config.js';
import { connectRedis } from '../kit/redis.js';
import { commonSettings, runService } from '../kit/service.js';
import { serveIdentity } from './endpoints.js';
import { Blocks } from './blocks.js';
import { Identity } from './identity.js';
import { revocationSubject } from './revocation.js';
import { identitySettings } from './settings.js';

const config = loadConfig({ ...commonSettings, ...identitySettings });
await runService({
  service: 'identity',
  ...config,
  async start({ log }) {
    const nc = await connectNats({ servers: config.natsUrl, name: 'identity' });
    const mongo = await MongoClient.connect(config.mongoUrl);
    const redis = connectRedis({ url: config.redisUrl, commandTimeoutMs: config.redisTimeoutMs, log });
    const identity = new Identity(mongo.db(config.mongoDb), redis, {
      ...config,
      announce: (revocation) => nc.publish(revocationSubject, JSON.stringify(revocation)),
    });
    const blocks = new Blocks(mongo.db(config.mongoDb));
    await Promise.all([identity.ensureIndexes(), blocks.ensureIndexes()]);
    const subscriptions = serveIdentity(nc, identity, blocks, log);
    return {
      checks: [{ name: 'redis', check: async () => void (await redis.ping()) }],
      async stop() {
        for (const sub of subscriptions) sub.unsubscribe();
        await nc.drain();
        redis.disconnect();
        await mongo.close();
      },
    };
  },
});
