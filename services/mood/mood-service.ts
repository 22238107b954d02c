import { jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Histogram, type Registry } from 'prom-client';
import type { MoodModel } from '../../models/mood/model.js';
import { ApiError } from '../kit/api-error.js';
import { startProjection } from '../actors/projection.js';
import type { Logger } from '../kit/log.js';
import { serveRpc } from '../kit/rpc.js';
import type { StartedService } from '../kit/service.js';
import { parseAnalyzeRequest } from './analyze.js';
import type { ModelRouter } from './model-router.js';
import { moodStream, moodSubjects } from './subjects.js';

export interface MoodAnalyzed {
  type: 'MoodAnalyzed';
  room: string;
  seq: number;
  author: string;
  at: number;
  /** name@version of the model that scored it, and its digest. */
  model: string;
  digest: string;
  language: string;
  valence: string;
  valenceScore: number;
  emotions: Record<string, number>;
}

const nameOf = (model: MoodModel) => `${model.metadata.name}@${model.metadata.version}`;

interface ChatEvent {
  type: string;
  author?: string;
  by?: string;
  text?: string;
  target?: number;
  at: number;
}

/**
 * The mood service: scores ad-hoc texts (mood.v1.analyze) and every new or
 * edited chat message, in the batches the projection delivers, publishing a
 * MoodAnalyzed event per message (de-duplicated by message and version, so a
 * replay publishes nothing twice).
 */
export async function startMoodService(deps: {
  nc: NatsConnection;
  router: ModelRouter;
  /** A pinned service serves only its model's subject and scores no chat. */
  pinned?: string;
  log: Logger;
  metrics: Registry;
}): Promise<StartedService> {
  const { nc, router, pinned, log, metrics } = deps;
  const registers = [metrics];
  const latency = new Histogram({
    name: 'mood_inference_seconds',
    help: 'Time to score one batch',
    labelNames: ['source'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers,
  });
  const batchSize = new Histogram({
    name: 'mood_batch_size',
    help: 'Texts per scored batch',
    labelNames: ['source'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers,
  });
  const score = (model: MoodModel, texts: string[], source: 'api' | 'chat') => {
    const end = latency.startTimer({ source });
    const results = model.score(texts);
    end();
    batchSize.observe({ source }, texts.length);
    return results;
  };

  await jetstreamManager(nc).then((jsm) =>
    jsm.streams
      .add({ name: moodStream, subjects: ['mood.analyzed.>'], retention: RetentionPolicy.Limits })
      .catch(() => undefined),
  );
  const js = jetstream(nc);
  const api = serveRpc(
    nc,
    pinned ? moodSubjects.analyzeWith(pinned) : moodSubjects.analyze,
    'mood',
    async (body) => {
      const texts = parseAnalyzeRequest(body);
      const inUse = router.inUse;
      if (!inUse) throw new ApiError('unavailable', 503, `mood model ${pinned} is not published yet`);
      const model = inUse.active;
      return { model: nameOf(model), digest: model.digest, results: score(model, texts, 'api') };
    },
    log,
  );
  if (pinned) return { stop: async () => api.unsubscribe() };
  const projection = await startProjection({
    nc,
    name: 'mood-analyzer',
    actorType: 'room',
    log,
    async handleBatch(batch) {
      const messages = batch.flatMap(({ event }) => {
        const e = event.data as unknown as ChatEvent;
        if (e.type === 'MessageSent')
          return [
            {
              room: event.actorId,
              seq: event.version,
              version: event.version,
              author: e.author!,
              text: e.text!,
              at: e.at,
            },
          ];
        if (e.type === 'MessageEdited')
          return [
            {
              room: event.actorId,
              seq: e.target!,
              version: event.version,
              author: e.by!,
              text: e.text!,
              at: e.at,
            },
          ];
        return [];
      });
      const inUse = router.inUse;
      if (messages.length === 0 || !inUse) return;
      const byModel = new Map<MoodModel, typeof messages>();
      for (const m of messages) {
        const model = router.modelFor(inUse, `${m.room}-${m.seq}`);
        byModel.set(model, [...(byModel.get(model) ?? []), m]);
      }
      const analyzed = [...byModel].flatMap(([model, scored]) => {
        const results = score(
          model,
          scored.map((m) => m.text),
          'chat',
        );
        return scored.map((m, i) => ({
          m,
          event: {
            type: 'MoodAnalyzed',
            room: m.room,
            seq: m.seq,
            author: m.author,
            at: m.at,
            model: nameOf(model),
            digest: model.digest,
            ...results[i]!,
          } satisfies MoodAnalyzed,
        }));
      });
      await Promise.all(
        analyzed.map(({ m, event }) =>
          js.publish(moodSubjects.analyzedInRoom(m.room), JSON.stringify(event), {
            msgID: `${m.room}-${m.version}`,
          }),
        ),
      );
    },
  });
  return {
    async stop() {
      api.unsubscribe();
      await projection.stop();
    },
  };
}
