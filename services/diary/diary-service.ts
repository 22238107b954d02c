import { startProjection } from '../actors/projection.js';
import { startActorHost, type ActorHostConfig } from '../actors/service-main.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { diaryActor } from './diary.js';
import { serveDiary } from './endpoints.js';
import { DiaryReadModel } from './read-model.js';

/** The diary service: hosts the diary actors (one per user) and keeps the entries read model. */
export async function startDiaryService(
  config: ActorHostConfig,
  ctx: ServiceContext,
): Promise<StartedService> {
  const actors = await startActorHost(config, [diaryActor], ctx);
  const readModel = new DiaryReadModel(actors.db);
  await readModel.ensureIndexes();
  const endpoints = serveDiary(actors.nc, readModel, ctx.log);
  const projection = await startProjection({
    nc: actors.nc,
    name: 'diary-read-model',
    actorType: diaryActor.name,
    handleBatch: (events) => readModel.applyBatch(events.map((e) => e.event)),
    log: ctx.log,
  });
  return {
    checks: actors.checks,
    async stop() {
      for (const sub of endpoints) sub.unsubscribe();
      await projection.stop();
      await actors.stop();
    },
  };
}
