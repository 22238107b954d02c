import type { ModelMetadata } from '../../../models/mood/bundle.js';
import type { RoutingClaim } from '../../../services/mood/routing.js';
import type { MoodModelSpec } from '../api/moodmodel.js';
import {
  childName,
  scalingObjects,
  serviceDeployment,
  type K8sObject,
  type MetaChatResource,
  type Parent,
} from './metachat.js';

// The plan of a MoodModel: a Deployment of the mood service pinned to it
// (with an HPA / PDB where asked), what it claims of the platform's routing,
// and the checks of its metadata against what the spec requires. Pure.

export interface MoodModelResource {
  metadata: { name: string; namespace: string; uid: string; creationTimestamp?: string | Date };
  spec: MoodModelSpec;
}

export const moodDeploymentName = (platform: string, model: string) => childName(platform, `mood-${model}`);

export function planMoodModel(model: MoodModelResource, mc: MetaChatResource): K8sObject[] {
  const parent: Parent = {
    namespace: model.metadata.namespace,
    platform: mc.metadata.name,
    owner: { kind: 'MoodModel', name: model.metadata.name, uid: model.metadata.uid },
  };
  const name = moodDeploymentName(mc.metadata.name, model.metadata.name);
  const component = `mood-${model.metadata.name}`;
  const { replicas, resources, autoscaling } = model.spec;
  const settings = {
    ...(replicas !== undefined ? { replicas } : {}),
    ...(resources ? { resources } : {}),
    ...(autoscaling ? { autoscaling } : {}),
  };
  return [
    serviceDeployment(
      parent,
      mc.spec,
      {
        name,
        component,
        service: 'mood',
        settings,
        env: [{ name: 'MOOD_MODEL', value: model.metadata.name }],
      },
      childName(mc.metadata.name, 'config'),
      childName(mc.metadata.name, 'metachat'),
    ),
    ...scalingObjects(parent, name, component, settings),
  ];
}

export function routingClaimOf(model: MoodModelResource): RoutingClaim {
  const created = model.metadata.creationTimestamp;
  return {
    name: model.metadata.name,
    createdAt: created instanceof Date ? created.toISOString() : (created ?? ''),
    active: model.spec.active ?? false,
    canaryPercent: model.spec.canaryPercent ?? 0,
  };
}

/** What the spec requires that the model's metadata does not offer, as one message; undefined if nothing. */
export function coverageProblem(spec: MoodModelSpec, metadata: ModelMetadata): string | undefined {
  const missing = (wanted: readonly string[] | undefined, offered: string[]) =>
    (wanted ?? []).filter((w) => !offered.includes(w));
  const languages = missing(spec.languages, metadata.languages);
  const labels = missing(spec.labels, metadata.labels);
  const problems = [
    ...(languages.length ? [`languages ${languages.join(', ')}`] : []),
    ...(labels.length ? [`labels ${labels.join(', ')}`] : []),
  ];
  return problems.length
    ? `model ${metadata.name}@${metadata.version} lacks ${problems.join(' and ')} (it has languages ${metadata.languages.join(', ')}; labels ${metadata.labels.join(', ')})`
    : undefined;
}

/** The numeric figures of the model's evaluation, flattened to "path/to/figure" → value. */
export function evaluationFigures(evaluation: unknown, prefix = ''): Record<string, number> {
  if (typeof evaluation === 'number') return prefix ? { [prefix]: evaluation } : {};
  if (typeof evaluation !== 'object' || evaluation === null || Array.isArray(evaluation)) return {};
  return Object.assign(
    {},
    ...Object.entries(evaluation).map(([key, value]) =>
      evaluationFigures(value, prefix ? `${prefix}/${key}` : key),
    ),
  ) as Record<string, number>;
}
