// The OpenAPI document of /api/v1, served at /api/v1/openapi.json. A test
// compares its paths and methods with the routes the gateway really serves.

const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = {
  '400': { description: 'validation_failed', ...json(error) },
  '401': { description: 'unauthorized, token_expired, token_invalid, token_revoked', ...json(error) },
};
const ok = (description: string, schema: object = { type: 'object' }) => ({
  '200': { description, ...json(schema) },
  ...errors,
});
const created = (description: string, schema: object = { type: 'object' }) => ({
  '201': { description, ...json(schema) },
  ...errors,
});
const body = (properties: Record<string, object>, required: string[] = []) => ({
  required: true,
  ...json({ type: 'object', additionalProperties: false, properties, required }),
});
const room = {
  name: 'room',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
};
const seq = { name: 'seq', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const emoji = { name: 'emoji', in: 'path', required: true, schema: { type: 'string', maxLength: 32 } };
const user = { name: 'user', in: 'path', required: true, schema: { type: 'string' } };
const cursor = (name: string) => ({ name, in: 'query', schema: { type: 'integer', minimum: 0 } });
const secured = { security: [{ bearer: [] }] };
const entry = {
  name: 'entry',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^e_[A-Za-z0-9_-]{1,64}$' },
};
const query = (name: string, schema: object, description?: string) => ({
  name,
  in: 'query',
  schema,
  ...(description ? { description } : {}),
});
const entryContent = {
  title: { type: 'string', maxLength: 200 },
  text: { type: 'string', maxLength: 20000 },
  tags: { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[\\p{L}\\p{N}_-]{1,40}$' } },
  mood: {
    type: ['integer', 'null'],
    minimum: -2,
    maximum: 2,
    description: 'self-reported, -2 (very bad) to 2 (very good)',
  },
  shared: {
    type: 'boolean',
    description:
      'readable by every signed-in user, without its author, and open to helpful marks (default false)',
  },
};
const notFound = { '404': { description: 'not_found', ...json(error) } };
const forbidden = { '403': { description: 'forbidden', ...json(error) } };
const seqReply = { type: 'object', properties: { seq: { type: 'integer' } } };
const userNotFound = {
  '404': { description: 'user_not_found (details.field names the field)', ...json(error) },
};
const blocked = {
  '403': { description: 'blocked: a block stands between me and someone I add', ...json(error) },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'MetaChat API', version: 'v1' },
  servers: [{ url: '/api/v1' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error', 'message', 'code'],
        properties: {
          error: { type: 'string' },
          message: { type: 'string' },
          code: { type: 'integer' },
          details: { type: 'object' },
        },
      },
    },
  },
  paths: {
    '/auth/register': {
      post: {
        summary: 'Create an account',
        requestBody: body(
          {
            email: { type: 'string' },
            displayName: { type: 'string' },
            password: { type: 'string', minLength: 8 },
          },
          ['email', 'displayName', 'password'],
        ),
        responses: {
          ...created('The profile and a token pair'),
          '409': { description: 'email_taken', ...json(error) },
        },
      },
    },
    '/auth/login': {
      post: {
        summary: 'Log in',
        requestBody: body({ email: { type: 'string' }, password: { type: 'string' } }, ['email', 'password']),
        responses: ok('A token pair'),
      },
    },
    '/auth/refresh': {
      post: {
        summary: 'Rotate a refresh token',
        requestBody: body({ refreshToken: { type: 'string' } }, ['refreshToken']),
        responses: ok('A new token pair'),
      },
    },
    '/auth/logout': {
      post: {
        ...secured,
        summary: 'Revoke the access token (and the refresh token’s login)',
        requestBody: body({ refreshToken: { type: 'string' } }),
        responses: { '204': { description: 'Logged out' }, ...errors },
      },
    },
    '/me': {
      get: { ...secured, summary: 'My profile', responses: ok('The profile') },
      patch: {
        ...secured,
        summary: 'Update my profile',
        requestBody: body({ displayName: { type: 'string' } }, ['displayName']),
        responses: ok('The profile'),
      },
    },
    '/mood/analyze': {
      post: {
        ...secured,
        summary:
          'Score texts for mood: valence, valence score, emotions, language (1 to 256 texts of at most 10,000 characters)',
        requestBody: body(
          {
            text: { type: 'string' },
            texts: { type: 'array', items: { type: 'string' } },
            model: {
              type: 'string',
              description:
                'A MoodModel to score with instead of the active one (404 model_not_found when no service serves it)',
            },
          },
          [],
        ),
        responses: ok('The model and one result per text, in order'),
      },
    },
    '/diary/entries': {
      get: {
        ...secured,
        parameters: [
          query(
            'from',
            { type: 'string' },
            'written at or after: a date (2026-12-04) from the start of that day, UTC; or an instant with its zone (2026-12-04T18:30:00Z)',
          ),
          query(
            'to',
            { type: 'string' },
            'written up to: a date includes that whole day, UTC (from=2026-12-04&to=2026-12-04 is that one day); an instant with its zone is an exclusive bound (before it)',
          ),
          query('tag', { type: 'string' }),
          query('q', { type: 'string', maxLength: 200 }, 'words the title or text contain'),
          query('limit', { type: 'integer', minimum: 1, maximum: 200 }),
        ],
        summary: 'My diary entries, newest first, by date range, tag and text',
        responses: ok('Entries'),
      },
      post: {
        ...secured,
        summary: 'Write a diary entry; a retry with the same clientId makes it once',
        requestBody: body(
          { ...entryContent, clientId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
          ['text'],
        ),
        responses: created('The entry id'),
      },
    },
    '/diary/entries/{entry}': {
      patch: {
        ...secured,
        parameters: [entry],
        summary: 'Edit an entry (the fields given)',
        requestBody: body(entryContent),
        responses: ok('Edited'),
      },
      delete: {
        ...secured,
        parameters: [entry],
        summary: 'Delete an entry',
        responses: { '204': { description: 'Deleted' }, ...errors },
      },
    },
    '/diary/shared/{entry}': {
      get: {
        ...secured,
        parameters: [entry],
        summary: 'A shared entry (without its author), how many found it helpful and whether I did',
        responses: { ...ok('The entry'), ...notFound },
      },
    },
    '/diary/shared/{entry}/helpful': {
      put: {
        ...secured,
        parameters: [entry],
        summary: 'Mark a shared entry helpful (or not); not my own',
        requestBody: body({ helpful: { type: 'boolean' } }, ['helpful']),
        responses: {
          ...ok('The number of people who found it helpful'),
          ...notFound,
          '409': { description: 'own_entry', ...json(error) },
        },
      },
    },
    '/search': {
      get: {
        ...secured,
        parameters: [
          query(
            'q',
            { type: 'string', minLength: 1, maxLength: 200 },
            'words every message must contain (taken literally)',
          ),
          query('limit', { type: 'integer', minimum: 1, maximum: 200 }),
        ],
        summary: 'Messages in my rooms, newest first (my diary: GET /diary/entries?q=)',
        responses: ok('Messages'),
      },
    },
    '/me/portrait': {
      get: {
        ...secured,
        summary: 'My mood portrait: valence mean, volatility, emotion distribution, interests',
        responses: ok('The portrait'),
      },
    },
    '/me/portrait/timeline': {
      get: {
        ...secured,
        parameters: [
          query('period', { type: 'string', enum: ['day', 'week', 'month'] }),
          query('from', { type: 'string', format: 'date' }),
          query('to', { type: 'string', format: 'date' }),
        ],
        summary: 'My mood per day, week or month, for a chart',
        responses: ok('Points in time order'),
      },
    },
    '/me/matching': {
      put: {
        ...secured,
        summary: 'Opt in to (or out of) matching; nobody is matched who did not opt in',
        requestBody: body({ optIn: { type: 'boolean' } }, ['optIn']),
        responses: ok('The opt-in'),
      },
    },
    '/me/matches': {
      get: {
        ...secured,
        parameters: [query('limit', { type: 'integer', minimum: 1, maximum: 50 })],
        summary: 'Opted-in people most like me, with the reasons',
        responses: { ...ok('Matches'), ...forbidden },
      },
    },
    '/me/recommendations': {
      get: {
        ...secured,
        parameters: [query('limit', { type: 'integer', minimum: 1, maximum: 50 })],
        summary:
          'Public rooms that people like me feel good in, and shared diary entries they found helpful, with the reasons',
        responses: ok('Rooms and entries'),
      },
    },
    '/rooms': {
      get: { ...secured, summary: 'My rooms, most recently active first', responses: ok('Rooms') },
      post: {
        ...secured,
        summary: 'Create a group room; the members given are invited (they accept or decline)',
        requestBody: body(
          {
            name: { type: 'string' },
            visibility: { enum: ['public', 'private'] },
            members: { type: 'array', items: { type: 'string' }, description: 'user ids to invite' },
          },
          ['name'],
        ),
        responses: { ...created('The room id and sequence'), ...blocked, ...userNotFound },
      },
    },
    '/direct': {
      post: {
        ...secured,
        summary: 'Open the direct conversation with a user (one per pair)',
        requestBody: body({ peer: { type: 'string' } }, ['peer']),
        responses: {
          ...created('The room id'),
          ...ok('The existing room id'),
          '403': { description: 'blocked', ...json(error) },
          ...userNotFound,
        },
      },
    },
    '/rooms/{room}/join': {
      post: {
        ...secured,
        parameters: [room],
        summary: 'Join a public room or one I was invited to',
        responses: ok('Joined', seqReply),
      },
    },
    '/rooms/{room}/leave': {
      post: { ...secured, parameters: [room], summary: 'Leave a room', responses: ok('Left', seqReply) },
    },
    '/rooms/{room}/invitations': {
      post: {
        ...secured,
        parameters: [room],
        summary: 'Invite a user: they are a member once they accept',
        requestBody: body({ user: { type: 'string' } }, ['user']),
        responses: { ...ok('Invited', seqReply), ...blocked, ...userNotFound },
      },
    },
    '/invitations': {
      get: {
        ...secured,
        summary: 'My pending invitations to rooms, newest first (none from people I blocked)',
        responses: ok('Invitations: room, name, kind, by, at'),
      },
    },
    '/invitations/{room}/accept': {
      post: {
        ...secured,
        parameters: [room],
        summary: 'Accept an invitation: join the room',
        responses: ok('Joined', seqReply),
      },
    },
    '/invitations/{room}': {
      delete: {
        ...secured,
        parameters: [room],
        summary: 'Decline an invitation',
        responses: {
          ...ok('Declined', seqReply),
          '404': { description: 'invitation_not_found', ...json(error) },
        },
      },
    },
    '/rooms/{room}/members/{user}': {
      delete: {
        ...secured,
        parameters: [
          room,
          user,
          query('reason', { type: 'string', maxLength: 500 }, 'recorded in the event'),
        ],
        summary: 'Remove a member (owners)',
        responses: ok('Removed', seqReply),
      },
    },
    '/rooms/{room}/members/{user}/mute': {
      put: {
        ...secured,
        parameters: [room, user],
        summary: 'Mute a member (owners); minutes 0 mutes until unmuted',
        requestBody: body({
          minutes: { type: 'integer', minimum: 0, maximum: 525600 },
          reason: { type: 'string', maxLength: 500 },
        }),
        responses: { ...ok('Muted', seqReply), ...forbidden },
      },
      delete: {
        ...secured,
        parameters: [room, user],
        summary: 'Unmute a member (owners)',
        responses: { ...ok('Unmuted', seqReply), ...forbidden },
      },
    },
    '/rooms/{room}/read': {
      post: {
        ...secured,
        parameters: [room],
        summary: 'Move my read watermark up to seq (never down); pushed to the room as a receipt',
        requestBody: body({ seq: { type: 'integer', minimum: 0 } }, ['seq']),
        responses: ok('My watermark and unread count', {
          type: 'object',
          properties: { seq: { type: 'integer' }, readSeq: { type: 'integer' }, unread: { type: 'integer' } },
        }),
      },
    },
    '/rooms/{room}/unread': {
      get: {
        ...secured,
        parameters: [room],
        summary: 'My read watermark and unread count in one room',
        responses: { ...ok('Watermark and unread count'), ...forbidden },
      },
    },
    '/rooms/{room}/receipts': {
      get: {
        ...secured,
        parameters: [room, query('limit', { type: 'integer', minimum: 1, maximum: 200 })],
        summary: "Members' read watermarks (furthest first) and my unread count",
        responses: { ...ok('Receipts'), ...forbidden },
      },
    },
    '/notifications': {
      get: {
        ...secured,
        parameters: [
          query('unread', { type: 'string', enum: ['true', 'false'] }, 'only unread ones'),
          query('limit', { type: 'integer', minimum: 1, maximum: 500 }),
        ],
        summary: 'My notifications (mentions and direct messages while I was offline), newest first',
        responses: ok('Notifications and my unread count'),
      },
    },
    '/notifications/read': {
      post: {
        ...secured,
        summary: 'Mark notifications read: some by id, or all',
        requestBody: body({
          ids: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string' } },
          all: { type: 'boolean', const: true },
        }),
        responses: ok('How many were marked'),
      },
    },
    '/people': {
      get: {
        ...secured,
        parameters: [query('users', { type: 'string' }, '1 to 100 user ids, comma-separated')],
        summary:
          'the display names of users, as {people: [{id, displayName}]}; ids without an account are left out',
        responses: ok('People'),
      },
    },
    '/presence': {
      get: {
        ...secured,
        parameters: [query('users', { type: 'string' }, '1 to 100 user ids, comma-separated')],
        summary: 'online / away / offline and last seen of users',
        responses: ok('Presence'),
      },
    },
    '/me/deletion': {
      post: {
        ...secured,
        summary:
          'Delete my account for good (export first): profile, sessions, presence, diary, portrait, matching and notifications go; my messages stay in their rooms without text, by "deleted"',
        requestBody: body({ password: { type: 'string' } }, ['password']),
        responses: {
          '204': { description: 'Deleted' },
          ...errors,
          '403': { description: 'wrong_password', ...json(error) },
        },
      },
    },
    '/me/export': {
      get: {
        ...secured,
        summary:
          'Everything MetaChat holds about me, as JSON: profile, blocks, rooms, messages, diary, portrait, matching, notifications',
        responses: ok('The export'),
      },
    },
    '/me/blocks': {
      get: { ...secured, summary: 'The users I blocked', responses: ok('Blocked users') },
    },
    '/me/blocks/{user}': {
      put: {
        ...secured,
        parameters: [user],
        summary:
          'Block a user: no direct messages either way, their messages reach me without text, neither can add the other to a room',
        responses: { ...ok('The users I blocked'), ...userNotFound },
      },
      delete: {
        ...secured,
        parameters: [user],
        summary: 'Unblock a user',
        responses: { ...ok('The users I blocked'), ...userNotFound },
      },
    },
    '/rooms/{room}/messages': {
      get: {
        ...secured,
        parameters: [
          room,
          cursor('before'),
          cursor('after'),
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
        ],
        summary: 'A page of messages by sequence cursor',
        responses: ok('Messages'),
      },
      post: {
        ...secured,
        parameters: [room],
        summary:
          'Send a message; a retry with the same clientId is stored once (the same clientId with another text: 409 client_id_reused)',
        requestBody: body(
          {
            text: { type: 'string', maxLength: 4000 },
            clientId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
          },
          ['text'],
        ),
        responses: {
          ...created('The message’s sequence', seqReply),
          '403': { description: 'forbidden, muted', ...json(error) },
          '409': { description: 'client_id_reused', ...json(error) },
          '429': {
            description:
              'rate_limited: the room’s messages per member per minute (Retry-After, details.retryAfterSeconds)',
            ...json(error),
          },
        },
      },
    },
    '/rooms/{room}/events': {
      get: {
        ...secured,
        parameters: [room, cursor('after'), { name: 'limit', in: 'query', schema: { type: 'integer' } }],
        summary:
          'Every room event after a sequence (resume); messages as history shows them now (no deleted or pre-edit text)',
        responses: ok('Events'),
      },
    },
    '/rooms/{room}/messages/{seq}': {
      patch: {
        ...secured,
        parameters: [room, seq],
        summary: 'Edit my message',
        requestBody: body({ text: { type: 'string' } }, ['text']),
        responses: ok('Edited', seqReply),
      },
      delete: {
        ...secured,
        parameters: [room, seq],
        summary: 'Delete a message (mine, or any as owner)',
        responses: ok('Deleted', seqReply),
      },
    },
    '/rooms/{room}/messages/{seq}/reactions/{emoji}': {
      put: {
        ...secured,
        parameters: [room, seq, emoji],
        summary: 'React',
        responses: ok('Reacted', seqReply),
      },
      delete: {
        ...secured,
        parameters: [room, seq, emoji],
        summary: 'Take a reaction back',
        responses: ok('Removed', seqReply),
      },
    },
  },
};
