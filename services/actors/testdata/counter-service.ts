// A real service process hosting the counter actor type, for failover tests.
import { loadConfig } from '../../kit/config.js';
import { commonSettings, runService } from '../../kit/service.js';
import { actorHostSettings, startActorHost } from '../service-main.js';
import { counterType } from './counter.js';

const config = loadConfig({ ...commonSettings, ...actorHostSettings });
await runService({
  service: 'counter',
  ...config,
  start: (ctx) => startActorHost(config, [counterType(process.env.COUNTER_TYPE ?? 'counter')], ctx),
});
