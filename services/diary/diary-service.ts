import { EventStore } from '../actors/event-store.js';
import { startActorService, type ActorHostConfig } from '../actors/service-main.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { diaryActor } from './diary.js';
import { serveDiary } from './endpoints.js';
import { DiaryReadModel } from './read-model.js';

/** The diary service: hosts the diary actors (one per user) and keeps the entries read model. */
export function startDiaryService(config: ActorHostConfig, ctx: ServiceContext): Promise<StartedService> {
  return startActorService(config, ctx, {
    actor: diaryActor,
    readModel: (db) => new DiaryReadModel(db),
    projection: 'diary-read-model',
    serve: ({ nc, db }, readModel) => serveDiary(nc, { readModel, store: new EventStore(db) }, ctx.log),
  });
}
