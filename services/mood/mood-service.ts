import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Histogram, type Registry } from 'prom-client';
import type { MoodModel } from '../../models/mood/model.js';
import { ApiError } from '../kit/api-error.js';
import type { PublishedEvent } from '../actors/envelope.js';
import { startProjection, type ProjectedEvent } from '../actors/projection.js';
import type { Logger } from '../kit/log.js';
import { serveRpc } from '../kit/rpc.js';
import type { StartedService } from '../kit/service.js';
import { parseAnalyzeRequest } from './analyze.js';
import type { ModelRouter } from './model-router.js';
import {
  retractionOfDiaryEvent,
  retractionOfRoomEvent,
  scorableOfDiaryEvent,
  scorableOfRoomEvent,
  type MoodAnalyzed,
  type Retraction,
  type Scorable,
} from './scorable.js';
import { ensureMoodStream, moodSubjects } from './subjects.js';

export type { MoodAnalyzed } from './scorable.js';

const nameOf = (model: MoodModel) => `${model.metadata.name}@${model.metadata.version}`;

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
  const score = (model: MoodModel, texts: string[], source: 'api' | 'chat' | 'diary') => {
    const end = latency.startTimer({ source });
    const results = model.score(texts);
    end();
    batchSize.observe({ source }, texts.length);
    return results;
  };

  await ensureMoodStream(nc);
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
  /** Scores items in one batch per model and publishes a MoodAnalyzed for each. */
  const scoreAndPublish = async (items: Scorable[], source: 'chat' | 'diary') => {
    const inUse = router.inUse;
    if (items.length === 0 || !inUse) return;
    const byModel = new Map<MoodModel, Scorable[]>();
    for (const item of items) {
      const model = router.modelFor(inUse, item.key);
      const batch = byModel.get(model);
      if (batch) batch.push(item);
      else byModel.set(model, [item]);
    }
    const published: Promise<unknown>[] = [];
    for (const [model, batch] of byModel) {
      const results = score(
        model,
        batch.map((item) => item.text),
        source,
      );
      batch.forEach((item, i) => {
        const analyzed: MoodAnalyzed = {
          type: 'MoodAnalyzed',
          author: item.author,
          at: item.at,
          model: nameOf(model),
          digest: model.digest,
          ...item.origin,
          ...results[i]!,
        };
        published.push(js.publish(item.subject, JSON.stringify(analyzed), { msgID: item.msgId }));
      });
    }
    await Promise.all(published);
  };
  const handle = async (
    batch: ProjectedEvent[],
    scorable: (e: PublishedEvent) => Scorable[],
    retractions: (e: PublishedEvent) => Retraction[],
    source: 'chat' | 'diary',
  ) => {
    await scoreAndPublish(
      batch.flatMap(({ event }) => scorable(event)),
      source,
    );
    await Promise.all(
      batch
        .flatMap(({ event }) => retractions(event))
        .map((r) => js.publish(r.subject, JSON.stringify(r.event), { msgID: r.msgId })),
    );
  };
  const projections = await Promise.all([
    startProjection({
      nc,
      name: 'mood-analyzer',
      actorType: 'room',
      log,
      handleBatch: (batch) => handle(batch, scorableOfRoomEvent, retractionOfRoomEvent, 'chat'),
    }),
    startProjection({
      nc,
      name: 'mood-diary-analyzer',
      actorType: 'diary',
      log,
      handleBatch: (batch) => handle(batch, scorableOfDiaryEvent, retractionOfDiaryEvent, 'diary'),
    }),
  ]);
  return {
    async stop() {
      api.unsubscribe();
      for (const projection of projections) await projection.stop();
    },
  };
}
