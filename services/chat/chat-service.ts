import { ActorClient } from '../actors/client.js';
import { EventStore } from '../actors/event-store.js';
import { startActorService, type ActorHostConfig } from '../actors/service-main.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { serveChat } from './endpoints.js';
import { ChatReadModel } from './read-model.js';
import { roomActor } from './room.js';

/**
 * The chat service: hosts the room actors and keeps the chat read model
 * (messages, rooms, memberships) up to date from their events.
 */
export function startChatService(config: ActorHostConfig, ctx: ServiceContext): Promise<StartedService> {
  return startActorService(config, ctx, {
    actor: roomActor,
    readModel: (db) => new ChatReadModel(db),
    projection: 'chat-read-model',
    serve: ({ nc, db }, readModel) =>
      serveChat(
        nc,
        { readModel, store: new EventStore(db), actors: new ActorClient(nc, config.partitions) },
        ctx.log,
      ),
  });
}
