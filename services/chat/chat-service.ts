import type { ServiceContext, StartedService } from '../kit/service.js';
import { startProjection } from '../actors/projection.js';
import { startActorHost, type ActorHostConfig } from '../actors/service-main.js';
import { ActorClient } from '../actors/client.js';
import { EventStore } from '../actors/event-store.js';
import { serveChat } from './endpoints.js';
import { ChatReadModel } from './read-model.js';
import { roomActor } from './room.js';

/**
 * The chat service: hosts the room actors and keeps the chat read model
 * (messages, rooms, memberships) up to date from their events.
 */
export async function startChatService(
  config: ActorHostConfig,
  ctx: ServiceContext,
): Promise<StartedService> {
  const actors = await startActorHost(config, [roomActor], ctx);
  const readModel = new ChatReadModel(actors.db);
  await readModel.ensureIndexes();
  const endpoints = serveChat(
    actors.nc,
    { readModel, store: new EventStore(actors.db), actors: new ActorClient(actors.nc, config.partitions) },
    ctx.log,
  );
  const projection = await startProjection({
    nc: actors.nc,
    name: 'chat-read-model',
    actorType: roomActor.name,
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
