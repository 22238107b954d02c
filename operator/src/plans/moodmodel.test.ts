import { expect } from 'chai';
import type { ModelMetadata } from '../../../models/mood/bundle.js';
import type { MetaChatResource } from './metachat.js';
import {
  coverageProblem,
  evaluationFigures,
  planMoodModel,
  routingClaimOf,
  type MoodModelResource,
} from './moodmodel.js';

const mc: MetaChatResource = {
  metadata: { name: 'prod', namespace: 'chat', uid: 'mc-uid' },
  spec: {
    image: 'ghcr.io/metachat/metachat',
    version: '1.2.3',
    nats: { url: 'nats://nats:4222' },
    mongodb: { url: 'mongodb://mongo:27017' },
    redis: { url: 'redis://redis:6379' },
    jwtSecretRef: { name: 'jwt', key: 'secret' },
  },
};
const model: MoodModelResource = {
  metadata: { name: 'v2', namespace: 'chat', uid: 'mm-uid', creationTimestamp: '2026-11-22T08:00:00Z' },
  spec: { platform: 'prod', source: { builtin: true }, active: true, replicas: 2 },
};
const metadata: ModelMetadata = {
  name: 'metachat-mood',
  version: '1',
  featureCount: 4100,
  languages: ['en', 'ru'],
  labels: ['positive', 'joy'],
  evaluation: { heldOut: { model: { pooled: 75.6 }, vader: { pooled: 68.4 } }, note: 'text' },
};

describe('MoodModel plan', () => {
  it('asks for a mood service Deployment pinned to the model, owned by it, with a PDB for 2 replicas', () => {
    const objects = planMoodModel(model, mc);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal([
      'Deployment/prod-mood-v2',
      'PodDisruptionBudget/prod-mood-v2',
    ]);
    const deployment = objects[0] as unknown as {
      metadata: { ownerReferences: { kind: string; uid: string }[]; labels: Record<string, string> };
      spec: { replicas: number; template: { spec: { containers: { args: string[]; env: object[] }[] } } };
    };
    expect(deployment.metadata.ownerReferences[0]).to.include({ kind: 'MoodModel', uid: 'mm-uid' });
    expect(deployment.metadata.labels).to.include({ 'app.kubernetes.io/instance': 'prod' });
    expect(deployment.spec.replicas).to.equal(2);
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.args).to.deep.equal(['mood']);
    expect(container.env).to.deep.include({ name: 'MOOD_MODEL', value: 'v2' });
  });

  it('asks for an HPA instead of fixed replicas when autoscaling is given', () => {
    const scaled = { ...model, spec: { ...model.spec, autoscaling: { minReplicas: 1, maxReplicas: 4 } } };
    expect(planMoodModel(scaled, mc).map((o) => o.kind)).to.deep.equal([
      'Deployment',
      'HorizontalPodAutoscaler',
    ]);
  });

  it('claims routing from the spec, defaults included', () => {
    expect(routingClaimOf({ ...model, spec: { platform: 'prod', source: { builtin: true } } })).to.deep.equal(
      {
        name: 'v2',
        createdAt: '2026-11-22T08:00:00Z',
        active: false,
        canaryPercent: 0,
      },
    );
  });

  it('names the languages and labels a model lacks', () => {
    expect(coverageProblem({ ...model.spec, languages: ['en'], labels: ['joy'] }, metadata)).to.equal(
      undefined,
    );
    expect(coverageProblem({ ...model.spec, languages: ['en', 'fr'], labels: ['awe'] }, metadata)).to.equal(
      'model metachat-mood@1 lacks languages fr and labels awe (it has languages en, ru; labels positive, joy)',
    );
  });

  it('flattens the numeric evaluation figures for status', () => {
    expect(evaluationFigures(metadata.evaluation)).to.deep.equal({
      'heldOut/model/pooled': 75.6,
      'heldOut/vader/pooled': 68.4,
    });
  });
});
