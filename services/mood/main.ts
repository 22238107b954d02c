// The mood service process: scores texts with the committed model over NATS.
import { connect } from '@nats-io/transport-node';
import { MoodModel } from '../../models/mood/model.js';
import { loadConfig } from '../kit/config.js';
import { connectionSettings } from '../kit/connection-settings.js';
import { commonSettings, runService } from '../kit/service.js';
import { startMoodService } from './mood-service.js';

const config = loadConfig({ ...commonSettings, natsUrl: connectionSettings.natsUrl });
await runService({
  service: 'mood',
  ...config,
  async start({ log, metrics }) {
    const nc = await connect({ servers: config.natsUrl, name: 'mood' });
    const model = await MoodModel.load();
    log.info('mood model loaded', { model: model.metadata.name, version: model.metadata.version });
    const service = await startMoodService({ nc, model, log, metrics });
    return {
      async stop() {
        await service.stop();
        await nc.drain();
      },
    };
  },
});
