import { ActorClient } from '../actors/client.js';
import { EventStore } from '../actors/event-store.js';
import { actorHostSettings, startActorService, type ActorHostConfig } from '../actors/service-main.js';
import { setting } from '../kit/config.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { serveChat } from './endpoints.js';
import type { Projection } from '../actors/projection.js';
import { MoodScores, projectMoodScores } from '../mood/mood-scores.js';
import { startMoodRule } from './mood-rule.js';
import { ChatReadModel, defaultActivityEveryMs, defaultReadModelLingerMs } from './read-model.js';
import { roomActor } from './room.js';

export const chatSettings = {
  ...actorHostSettings,
  activityEveryMs: setting.duration('CHAT_ACTIVITY_EVERY', {
    default: defaultActivityEveryMs,
    description: 'how often room activity and authors’ watermarks are written: how far unread counts may lag',
  }),
  readModelLingerMs: setting.duration('CHAT_READ_MODEL_LINGER', {
    default: defaultReadModelLingerMs,
    description:
      'how long the read model gathers room events into one write (0: at once); its readers wait for what it holds',
  }),
};

/**
 * The chat service: hosts the room actors and keeps the chat read model
 * (messages, rooms, memberships) up to date from their events, and applies
 * the rooms' mood rule to the mood service's scores, which it keeps beside
 * the messages for every read path to show.
 */
export async function startChatService(
  config: ActorHostConfig & { activityEveryMs: number; readModelLingerMs: number },
  ctx: ServiceContext,
): Promise<StartedService> {
  let rule: Promise<Projection> | undefined;
  let moodScores: Promise<Projection> | undefined;
  const service = await startActorService(config, ctx, {
    actor: roomActor,
    readModel: (db) => new ChatReadModel(db, { activityEveryMs: config.activityEveryMs }),
    projection: 'chat-read-model',
    projectionLingerMs: config.readModelLingerMs,
    serve: ({ nc, db }, readModel, settled) => {
      const actors = new ActorClient(nc, config.partitions);
      rule = startMoodRule(nc, actors, ctx.log);
      const moods = new MoodScores(db, 'chat_message_moods');
      moodScores = projectMoodScores({
        nc,
        name: 'chat-message-moods',
        source: 'chat',
        scores: moods,
        log: ctx.log,
      });
      return serveChat(nc, { readModel, settled, store: new EventStore(db), actors, moods }, ctx.log);
    },
  });
  const [moodRule, moodProjection] = await Promise.all([rule!, moodScores!]);
  return {
    checks: service.checks,
    async stop() {
      await moodProjection.stop();
      await moodRule.stop();
      await service.stop();
    },
  };
}
