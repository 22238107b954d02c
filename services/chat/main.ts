// The chat service process.
import { loadConfig } from '../kit/config.js';
import { commonSettings, runService } from '../kit/service.js';
import { actorHostSettings } from '../actors/service-main.js';
import { startChatService } from './chat-service.js';

const config = loadConfig({ ...commonSettings, ...actorHostSettings });
await runService({ service: 'chat', ...config, start: (ctx) => startChatService(config, ctx) });
