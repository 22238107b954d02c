// The mood service process: scores texts with the models the platform's routing names (or one pinned model).
import { connectNats } from '../kit/nats-connect.js';
import { MoodModel } from '../../models/mood/model.js';
import { loadConfig, setting } from '../kit/config.js';
import { connectionSettings } from '../kit/connection-settings.js';
import { commonSettings, runService } from '../kit/service.js';
import { ModelRouter } from './model-router.js';
import { startMoodService } from './mood-service.js';

const config = loadConfig({
  ...commonSettings,
  natsUrl: connectionSettings.natsUrl,
  pinnedModel: setting.string('MOOD_MODEL', {
    default: '',
    description: 'serve only this MoodModel (its own Deployment); empty: follow the platform routing',
  }),
});
await runService({
  service: 'mood',
  ...config,
  async start({ log, metrics }) {
    const nc = await connectNats({ servers: config.natsUrl, name: 'mood' });
    const builtin = await MoodModel.load();
    log.info('built-in mood model loaded', { model: builtin.metadata.name, digest: builtin.digest });
    const pinned = config.pinnedModel || undefined;
    const router = await ModelRouter.start({ nc, builtin, ...(pinned ? { pinned } : {}), log, metrics });
    const service = await startMoodService({ nc, router, ...(pinned ? { pinned } : {}), log, metrics });
    return {
      async stop() {
        await service.stop();
        router.stop();
        await nc.drain();
      },
    };
  },
});
