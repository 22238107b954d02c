import { conditionsSchema, group, version } from './common.js';
import { chatRoomSpecSchema, chatRoomStatusProperties } from './chatroom.js';
import { metaChatSpecSchema } from './metachat.js';
import { moodModelSpecSchema, moodModelStatusProperties } from './moodmodel.js';

// The CustomResourceDefinitions, built from the schemas that also give the
// TypeScript types: crds/ is generated from here (`npm run crds`) and a test
// fails if it drifts.

interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  specSchema: object;
  statusProperties?: Record<string, object>;
  printerColumns: { name: string; type: string; jsonPath: string; description?: string; priority?: number }[];
}

/**
 * A Kubernetes structural schema from ours: `additionalProperties: false` says
 * "no unknown fields" to the TypeScript types, but Kubernetes forbids it beside
 * `properties` and instead prunes or (with strict field validation, kubectl's
 * default) refuses unknown fields itself.
 */
export function structural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structural);
  if (typeof schema !== 'object' || schema === null) return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    result[key] = structural(value);
  }
  return result;
}

const readyColumns = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
];
const ageColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export function customResourceDefinition(def: KindDefinition) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: ['metachat'],
      },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: def.printerColumns,
          schema: {
            openAPIV3Schema: structural({
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: def.specSchema,
                status: {
                  type: 'object',
                  properties: {
                    observedGeneration: { type: 'integer', minimum: 0 },
                    conditions: conditionsSchema,
                    ...def.statusProperties,
                  },
                },
              },
            }),
          },
        },
      ],
    },
  };
}

export const metaChatCrd = customResourceDefinition({
  kind: 'MetaChat',
  plural: 'metachats',
  singular: 'metachat',
  shortNames: ['mc'],
  specSchema: metaChatSpecSchema,
  statusProperties: {
    readyServices: { type: 'string', description: 'ready/total service Deployments' },
    version: { type: 'string' },
  },
  printerColumns: [
    ...readyColumns,
    { name: 'Services', type: 'string', jsonPath: '.status.readyServices' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Host', type: 'string', jsonPath: '.spec.ingress.host', priority: 1 },
    ageColumn,
  ],
});

export const chatRoomCrd = customResourceDefinition({
  kind: 'ChatRoom',
  plural: 'chatrooms',
  singular: 'chatroom',
  shortNames: ['room', 'rooms'],
  specSchema: chatRoomSpecSchema,
  statusProperties: chatRoomStatusProperties,
  printerColumns: [
    ...readyColumns,
    { name: 'Platform', type: 'string', jsonPath: '.spec.platform' },
    { name: 'Room', type: 'string', jsonPath: '.status.roomId' },
    { name: 'Members', type: 'integer', jsonPath: '.status.members' },
    { name: 'Messages', type: 'integer', jsonPath: '.status.messages' },
    { name: 'Last Activity', type: 'date', jsonPath: '.status.lastActivity', priority: 1 },
    ageColumn,
  ],
});

export const moodModelCrd = customResourceDefinition({
  kind: 'MoodModel',
  plural: 'moodmodels',
  singular: 'moodmodel',
  shortNames: ['mm', 'mood'],
  specSchema: moodModelSpecSchema,
  statusProperties: moodModelStatusProperties,
  printerColumns: [
    ...readyColumns,
    { name: 'Platform', type: 'string', jsonPath: '.spec.platform' },
    { name: 'Role', type: 'string', jsonPath: '.status.role' },
    { name: 'Model', type: 'string', jsonPath: '.status.model' },
    { name: 'Replicas', type: 'integer', jsonPath: '.status.readyReplicas' },
    { name: 'Digest', type: 'string', jsonPath: '.status.digest', priority: 1 },
    ageColumn,
  ],
});

export const allCrds = [metaChatCrd, chatRoomCrd, moodModelCrd];
