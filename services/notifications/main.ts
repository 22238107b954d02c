// The notification service process.
import { loadConfig } from '../kit/config.js';
import { commonSettings, runService } from '../kit/service.js';
import { notificationSettings, startNotificationService } from './notification-service.js';

const config = loadConfig({ ...commonSettings, ...notificationSettings });
await runService({
  service: 'notifications',
  ...config,
  start: (ctx) => startNotificationService(config, ctx),
});
