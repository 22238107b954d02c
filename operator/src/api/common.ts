// Schema pieces every MetaChat kind shares: status with conditions, references.

export const group = 'metachat.io';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}`;

export const conditionSchema = {
  type: 'object',
  required: ['type', 'status', 'lastTransitionTime', 'reason'],
  properties: {
    type: { type: 'string', enum: ['Ready', 'Progressing', 'Degraded'] },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$', maxLength: 1024 },
    message: { type: 'string', maxLength: 32768 },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer', minimum: 0 },
  },
  additionalProperties: false,
} as const;

export const conditionsSchema = {
  type: 'array',
  items: conditionSchema,
  maxItems: 8,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
} as const;

export const secretKeyRefSchema = {
  type: 'object',
  required: ['name', 'key'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 253 },
    key: { type: 'string', minLength: 1, maxLength: 253 },
  },
  additionalProperties: false,
} as const;

export const quantityPattern = '^([0-9]+(\\.[0-9]+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$';

const cpuAndMemorySchema = {
  type: 'object',
  properties: {
    cpu: { type: 'string', pattern: quantityPattern },
    memory: { type: 'string', pattern: quantityPattern },
  },
  additionalProperties: false,
} as const;

export const resourcesSchema = {
  type: 'object',
  properties: {
    requests: cpuAndMemorySchema,
    limits: cpuAndMemorySchema,
  },
  additionalProperties: false,
} as const;

export const autoscalingSchema = {
  type: 'object',
  required: ['minReplicas', 'maxReplicas'],
  properties: {
    minReplicas: { type: 'integer', minimum: 1, maximum: 100 },
    maxReplicas: { type: 'integer', minimum: 1, maximum: 100 },
    targetCPUUtilizationPercentage: { type: 'integer', minimum: 10, maximum: 100, default: 70 },
  },
  additionalProperties: false,
  'x-kubernetes-validations': [
    { rule: 'self.minReplicas <= self.maxReplicas', message: 'minReplicas must not exceed maxReplicas' },
  ],
} as const;

export interface Condition {
  type: 'Ready' | 'Progressing' | 'Degraded';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}
