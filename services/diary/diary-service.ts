import { EventStore } from '../actors/event-store.js';
import type { Projection } from '../actors/projection.js';
import { startActorService, type ActorHostConfig } from '../actors/service-main.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { MoodScores, projectMoodScores } from '../mood/mood-scores.js';
import { diaryActor } from './diary.js';
import { serveDiary } from './endpoints.js';
import { DiaryReadModel } from './read-model.js';

/**
 * The diary service: hosts the diary actors (one per user), keeps the
 * entries read model, and keeps the entries' mood scores beside it.
 */
export async function startDiaryService(
  config: ActorHostConfig,
  ctx: ServiceContext,
): Promise<StartedService> {
  let moodScores: Promise<Projection> | undefined;
  const service = await startActorService(config, ctx, {
    actor: diaryActor,
    readModel: (db) => new DiaryReadModel(db),
    projection: 'diary-read-model',
    serve: ({ nc, db }, readModel) => {
      const moods = new MoodScores(db, 'diary_entry_moods');
      moodScores = projectMoodScores({
        nc,
        name: 'diary-entry-moods',
        source: 'diary',
        scores: moods,
        log: ctx.log,
      });
      return serveDiary(nc, { readModel, store: new EventStore(db), moods }, ctx.log);
    },
  });
  const moodProjection = await moodScores!;
  return {
    checks: service.checks,
    async stop() {
      await moodProjection.stop();
      await service.stop();
    },
  };
}
