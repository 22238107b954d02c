import type { FromSchema } from 'json-schema-to-ts';
import { autoscalingSchema, resourcesSchema } from './common.js';

const names = (description: string) =>
  ({
    type: 'array',
    description,
    items: { type: 'string', minLength: 1, maxLength: 32 },
    maxItems: 64,
    'x-kubernetes-list-type': 'set',
  }) as const;

/** The MoodModel kind's spec schema: the single source of the CRD and of the TypeScript type. */
export const moodModelSpecSchema = {
  type: 'object',
  required: ['platform', 'source'],
  properties: {
    platform: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      description: 'The MetaChat (in this namespace) that uses the model',
      'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'platform cannot be changed' }],
    },
    source: {
      type: 'object',
      description: 'Where the artifacts come from: exactly one of builtin, configMap, http',
      properties: {
        builtin: { type: 'boolean', description: 'The model shipped in the MetaChat image' },
        configMap: {
          type: 'object',
          required: ['name'],
          description: 'A ConfigMap in this namespace with model.json, metadata.json and the weights file',
          properties: { name: { type: 'string', minLength: 1, maxLength: 253 } },
          additionalProperties: false,
        },
        http: {
          type: 'object',
          required: ['url', 'sha256'],
          description:
            'A model bundle (npm run mood:bundle) served in the cluster, checked against its sha256',
          properties: {
            url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
            sha256: { type: 'string', pattern: '^[a-f0-9]{64}$' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
      'x-kubernetes-validations': [
        {
          rule: '(has(self.builtin) && self.builtin ? 1 : 0) + (has(self.configMap) ? 1 : 0) + (has(self.http) ? 1 : 0) == 1',
          message: 'give exactly one of builtin: true, configMap and http',
        },
      ],
    },
    languages: names('Languages the model must cover (checked against its metadata), e.g. en, ru'),
    labels: names('Labels the model must produce (checked against its metadata), e.g. positive, joy'),
    active: {
      type: 'boolean',
      default: false,
      description: "Whether this is the platform's active model (the oldest active MoodModel wins)",
    },
    canaryPercent: {
      type: 'integer',
      minimum: 0,
      maximum: 100,
      default: 0,
      description:
        'For a model that is not active: the share of messages it scores instead of the active one',
    },
    replicas: { type: 'integer', minimum: 0, maximum: 100, default: 1 },
    resources: resourcesSchema,
    autoscaling: autoscalingSchema,
  },
  additionalProperties: false,
  'x-kubernetes-validations': [
    { rule: '!(self.active && self.canaryPercent > 0)', message: 'an active model cannot also be a canary' },
  ],
} as const;

export type MoodModelSpec = FromSchema<typeof moodModelSpecSchema, { keepDefaultedPropertiesOptional: true }>;

export const moodModelStatusProperties = {
  model: { type: 'string', description: 'name@version from the model metadata' },
  digest: { type: 'string', description: 'sha256 of the model bundle' },
  role: { type: 'string', enum: ['active', 'canary', 'standby', 'conflict'] },
  replicas: { type: 'integer' },
  readyReplicas: { type: 'integer' },
  evaluation: {
    type: 'object',
    description: 'The evaluation figures stored with the model (accuracy in %), by figure',
    additionalProperties: { type: 'number' },
  },
};
