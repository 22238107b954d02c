import type { FromSchema } from 'json-schema-to-ts';

const emailPattern = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';
const emails = (description: string) =>
  ({
    type: 'array',
    description,
    items: { type: 'string', pattern: emailPattern, maxLength: 254 },
    maxItems: 1000,
    'x-kubernetes-list-type': 'set',
  }) as const;

/** The ChatRoom kind's spec schema: the single source of the CRD and of the TypeScript type. */
export const chatRoomSpecSchema = {
  type: 'object',
  required: ['platform', 'displayName'],
  properties: {
    platform: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      description: 'The MetaChat (in this namespace) the room belongs to',
      'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'platform cannot be changed' }],
    },
    displayName: { type: 'string', minLength: 1, maxLength: 100 },
    kind: {
      type: 'string',
      enum: ['group', 'announcement'],
      default: 'group',
      description: 'announcement: only owners post',
    },
    visibility: {
      type: 'string',
      enum: ['public', 'private'],
      default: 'private',
      description: 'public: any user may join; private: only the declared members',
    },
    owners: emails('Accounts (by email) that own the room'),
    members: emails('Accounts (by email) that are members; users who join a public room themselves stay'),
    maxMembers: { type: 'integer', minimum: 1, maximum: 10000, default: 10000 },
    rateLimit: {
      type: 'object',
      properties: {
        messagesPerMinute: {
          type: 'integer',
          minimum: 0,
          maximum: 100000,
          default: 0,
          description: 'per member; 0 is no limit',
        },
      },
      additionalProperties: false,
    },
    retention: {
      type: 'object',
      properties: {
        maxAgeDays: {
          type: 'integer',
          minimum: 0,
          maximum: 36500,
          default: 0,
          description: '0 keeps forever',
        },
        maxMessages: {
          type: 'integer',
          minimum: 0,
          maximum: 1000000000,
          default: 0,
          description: '0 keeps all',
        },
      },
      additionalProperties: false,
    },
    moderation: {
      type: 'object',
      properties: {
        blockedWords: {
          type: 'array',
          items: { type: 'string', minLength: 1, maxLength: 100 },
          maxItems: 1000,
        },
        moodModelRef: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 253 } },
          additionalProperties: false,
          description: 'A MoodModel whose scores flag very negative messages',
        },
        action: { type: 'string', enum: ['flag', 'hide', 'reject'], default: 'flag' },
      },
      additionalProperties: false,
    },
    deletionPolicy: {
      type: 'string',
      enum: ['Retain', 'Delete'],
      default: 'Retain',
      description:
        'What deleting this resource does to the room: Retain keeps it and its history; Delete removes both',
    },
  },
  additionalProperties: false,
  'x-kubernetes-validations': [
    {
      rule: '(has(self.owners) ? size(self.owners) : 0) + (has(self.members) ? size(self.members) : 0) <= self.maxMembers',
      message: 'owners and members together exceed maxMembers',
    },
  ],
} as const;

export type ChatRoomSpec = FromSchema<typeof chatRoomSpecSchema, { keepDefaultedPropertiesOptional: true }>;

export const chatRoomStatusProperties = {
  roomId: { type: 'string', description: 'The id clients use for the room' },
  members: { type: 'integer' },
  messages: { type: 'integer' },
  lastActivity: { type: 'string', format: 'date-time' },
  pendingMembers: {
    type: 'array',
    items: { type: 'string' },
    description: 'Declared emails without an account yet; they are added once they register',
  },
};
