import { connectNats } from '../kit/nats-connect.js';
import { MongoClient } from 'mongodb';
import { consumeDurably } from '../actors/projection.js';
import { connectionSettings } from '../kit/connection-settings.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { isMoodEvent, type MoodAnalyzed, type MoodRetracted } from '../mood/scorable.js';
import { ensureMoodStream, moodStream, moodSubjects } from '../mood/subjects.js';
import { portraitSubjects, servePortraits } from './endpoints.js';
import { PortraitStore } from './portrait-store.js';

export const portraitSettings = {
  natsUrl: connectionSettings.natsUrl,
  mongoUrl: connectionSettings.mongoUrl,
  mongoDb: connectionSettings.mongoDb,
};

/**
 * The portrait service: folds every MoodAnalyzed (chat messages and diary
 * entries) into its author's portrait, serves portraits and timelines, and
 * announces each changed portrait for matching.
 */
export async function startPortraitService(
  config: { natsUrl: string; mongoUrl: string; mongoDb: string },
  ctx: ServiceContext,
): Promise<StartedService> {
  const nc = await connectNats({ servers: config.natsUrl, name: 'portrait' });
  const mongo = await MongoClient.connect(config.mongoUrl);
  const store = new PortraitStore(mongo.db(config.mongoDb));
  await store.ensureIndexes();
  await ensureMoodStream(nc);
  const endpoints = servePortraits(nc, store, ctx.log);
  const consumer = await consumeDurably<MoodAnalyzed | MoodRetracted>({
    nc,
    name: 'portraits',
    stream: moodStream,
    filterSubject: moodSubjects.all,
    parkedSubject: 'mood.parked.portraits',
    log: ctx.log,
    async handleBatch(batch) {
      const changed = new Set<string>();
      for (const { event, position } of batch) {
        if (!isMoodEvent(event)) {
          ctx.log.warn('skipped a malformed mood event', { position });
          continue;
        }
        const user = event.type === 'MoodAnalyzed' ? await store.apply(event) : await store.retract(event);
        if (user) changed.add(user);
      }
      for (const user of changed)
        nc.publish(portraitSubjects.updated, JSON.stringify(await store.portrait(user)));
    },
  });
  return {
    checks: [{ name: 'mongodb', check: async () => void (await mongo.db('admin').command({ ping: 1 })) }],
    async stop() {
      for (const sub of endpoints) sub.unsubscribe();
      await consumer.stop();
      await nc.drain();
      await mongo.close();
    },
  };
}
