// The matching service process.
import { loadConfig } from '../kit/config.js';
import { commonSettings, runService } from '../kit/service.js';
import { matchingSettings, startMatchingService } from './matching-service.js';

const config = loadConfig({ ...commonSettings, ...matchingSettings });
await runService({ service: 'matching', ...config, start: (ctx) => startMatchingService(config, ctx) });
