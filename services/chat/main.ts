// The chat service process.
import { loadConfig } from '../kit/config.js';
import { commonSettings, runService } from '../kit/service.js';
import { chatSettings, startChatService } from './chat-service.js';

const config = loadConfig({ ...commonSettings, ...chatSettings });
await runService({ service: 'chat', ...config, start: (ctx) => startChatService(config, ctx) });
