import { jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Histogram, type Registry } from 'prom-client';
import type { MoodModel } from '../../models/mood/model.js';
import { startProjection } from '../actors/projection.js';
import type { Logger } from '../kit/log.js';
import { serveRpc } from '../kit/rpc.js';
import type { StartedService } from '../kit/service.js';
import { parseAnalyzeRequest } from './analyze.js';
import { moodStream, moodSubjects } from './subjects.js';

export interface MoodAnalyzed {
  type: 'MoodAnalyzed';
  room: string;
  seq: number;
  author: string;
  at: number;
  model: string;
  language: string;
  valence: string;
  valenceScore: number;
  emotions: Record<string, number>;
}

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
  model: MoodModel;
  log: Logger;
  metrics: Registry;
}): Promise<StartedService> {
  const { nc, model, log, metrics } = deps;
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
  const score = (texts: string[], source: 'api' | 'chat') => {
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
    moodSubjects.analyze,
    'mood',
    async (body) => ({ model: model.metadata.name, results: score(parseAnalyzeRequest(body), 'api') }),
    log,
  );
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
      if (messages.length === 0) return;
      const results = score(
        messages.map((m) => m.text),
        'chat',
      );
      await Promise.all(
        messages.map((m, i) => {
          const analyzed: MoodAnalyzed = {
            type: 'MoodAnalyzed',
            room: m.room,
            seq: m.seq,
            author: m.author,
            at: m.at,
            model: `${model.metadata.name}@${model.metadata.version}`,
            ...results[i]!,
          };
          return js.publish(moodSubjects.analyzedInRoom(m.room), JSON.stringify(analyzed), {
            msgID: `${m.room}-${m.version}`,
          });
        }),
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
