// The diary service process.
import { actorHostSettings } from '../actors/service-main.js';
import { loadConfig } from '../kit/config.js';
import { commonSettings, runService } from '../kit/service.js';
import { startDiaryService } from './diary-service.js';

const config = loadConfig({ ...commonSettings, ...actorHostSettings });
await runService({ service: 'diary', ...config, start: (ctx) => startDiaryService(config, ctx) });
