// The portrait service process.
import { loadConfig } from '../kit/config.js';
import { commonSettings, runService } from '../kit/service.js';
import { portraitSettings, startPortraitService } from './portrait-service.js';

const config = loadConfig({ ...commonSettings, ...portraitSettings });
await runService({ service: 'portrait', ...config, start: (ctx) => startPortraitService(config, ctx) });
