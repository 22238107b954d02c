import type { FromSchema } from 'json-schema-to-ts';
import { autoscalingSchema, resourcesSchema, secretKeyRefSchema } from './common.js';

/** The services a MetaChat platform runs; each gets a Deployment and a Service. */
export const platformServices = [
  'gateway',
  'identity',
  'chat',
  'mood',
  'diary',
  'portrait',
  'matching',
  'notifications',
] as const;
export type PlatformService = (typeof platformServices)[number];

const serviceSchema = {
  type: 'object',
  properties: {
    replicas: { type: 'integer', minimum: 0, maximum: 100, default: 1 },
    resources: resourcesSchema,
    autoscaling: autoscalingSchema,
  },
  additionalProperties: false,
} as const;

const connectionSchema = (scheme: string) =>
  ({
    type: 'object',
    description: `Where the ${scheme} server is: a URL, or a Secret key holding one (credentials belong in Secrets).`,
    properties: {
      url: { type: 'string', pattern: `^${scheme}(\\+srv|s)?://`, maxLength: 2048 },
      urlSecretRef: secretKeyRefSchema,
    },
    additionalProperties: false,
    'x-kubernetes-validations': [
      {
        rule: 'has(self.url) != has(self.urlSecretRef)',
        message: 'give exactly one of url and urlSecretRef',
      },
    ],
  }) as const;

/** The NATS connection, and optionally a user per service (ADR 0013). */
const natsSchema = {
  ...connectionSchema('nats'),
  properties: {
    ...connectionSchema('nats').properties,
    usersSecret: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      description:
        "A Secret with one key per service (gateway, identity, chat, mood, diary, portrait, matching, notifications, operator) holding that service's NATS password: each service signs in as the user of its name, with the permissions in the ConfigMap <name>-nats-authorization. Without it the services connect anonymously.",
    },
  },
} as const;

/** The MetaChat kind's spec schema: the single source of the CRD and of the TypeScript type. */
export const metaChatSpecSchema = {
  type: 'object',
  required: ['image', 'nats', 'mongodb', 'redis', 'jwtSecretRef'],
  properties: {
    image: {
      type: 'string',
      minLength: 1,
      maxLength: 512,
      description: 'The MetaChat services image, e.g. ghcr.io/metachat/metachat',
    },
    version: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]{1,128}$',
      default: 'latest',
      description: 'Image tag',
    },
    nats: natsSchema,
    mongodb: connectionSchema('mongodb'),
    redis: connectionSchema('redis'),
    jwtSecretRef: secretKeyRefSchema,
    partitions: { type: 'integer', minimum: 1, maximum: 1024, default: 16 },
    trustedProxyHops: {
      type: 'integer',
      minimum: 0,
      maximum: 10,
      description:
        'How many reverse proxies in front of the gateway (ingress controller, load balancer) append to X-Forwarded-For; the client address rate limits go by is taken that many hops back. Default: 1 with spec.ingress, else 0. Too high lets clients pick their own address.',
    },
    notificationWebhook: {
      type: 'object',
      description:
        'Where the notification service POSTs each new notification (a push bridge): the URL from a Secret, and optionally a signing secret (X-MetaChat-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">)',
      required: ['urlSecretRef'],
      properties: { urlSecretRef: secretKeyRefSchema, signingSecretRef: secretKeyRefSchema },
      additionalProperties: false,
    },
    ingress: {
      type: 'object',
      required: ['host'],
      properties: {
        host: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
        className: { type: 'string', maxLength: 253 },
        tlsSecretName: { type: 'string', maxLength: 253 },
      },
      additionalProperties: false,
    },
    services: {
      type: 'object',
      properties: {
        gateway: serviceSchema,
        identity: serviceSchema,
        chat: serviceSchema,
        mood: serviceSchema,
        diary: serviceSchema,
        portrait: serviceSchema,
        matching: serviceSchema,
        notifications: serviceSchema,
      },
      additionalProperties: false,
      default: {},
    },
  },
  additionalProperties: false,
} as const;

// Defaulted fields stay optional: the plan supplies defaults itself, so objects stored before a default existed still work.
export type MetaChatSpec = FromSchema<typeof metaChatSpecSchema, { keepDefaultedPropertiesOptional: true }>;
export type ServiceSpec = FromSchema<typeof serviceSchema, { keepDefaultedPropertiesOptional: true }>;
