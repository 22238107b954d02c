// Who may publish and subscribe to what on NATS: one table for every
// MetaChat program, rendered into the nats-server's authorization (ADR 0013).
// A subject a service is not given here is refused by the server.
import { leaseBucket, projectionLeaseBucket, streams, subjects } from '../actors/topology.js';
import { chatSubjects } from '../chat/endpoints.js';
import { diarySubjects } from '../diary/endpoints.js';
import { blocksChangedSubject } from '../identity/blocks.js';
import { identitySubjects } from '../identity/endpoints.js';
import { revocationSubject } from '../identity/revocation.js';
import { matchingSubjects } from '../matching/matching-service.js';
import { modelStore, moodBucket } from '../mood/routing.js';
import { moodStream, moodSubjects } from '../mood/subjects.js';
import { notificationSubjects } from '../notifications/notification-service.js';
import { portraitSubjects } from '../portrait/endpoints.js';
import { inboxPrefixOf } from './connection-settings.js';

export const natsServices = [
  'gateway',
  'identity',
  'chat',
  'mood',
  'diary',
  'portrait',
  'matching',
  'notifications',
  'operator',
] as const;
export type NatsService = (typeof natsServices)[number];

export interface NatsPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  /** Lets a service answer the requests it received, whoever's inbox they came from. */
  allow_responses: true;
}

/** Subjects of one grant: what the service publishes and what it subscribes to. */
interface Grant {
  publish?: string[];
  subscribe?: string[];
}

/** Request/reply subjects the service answers (its replies go out as responses). */
const serves = (...rpc: string[]): Grant => ({ subscribe: rpc });
/** Request subjects the service calls; the answers come to its own inbox. */
const calls = (...rpc: string[]): Grant => ({ publish: rpc });

/**
 * What of a JetStream stream the service may do: `read` its messages
 * (consumers, direct and message gets, acks), `manage` it (create, update:
 * every service makes the streams it needs at start), `erase` from it.
 */
type StreamUse = 'read' | 'manage' | 'erase';

function stream(name: string, ...uses: StreamUse[]): Grant {
  const api = '$JS.API';
  const publish = [`${api}.INFO`, `${api}.STREAM.INFO.${name}`];
  if (uses.includes('read'))
    publish.push(
      `${api}.STREAM.MSG.GET.${name}`,
      `${api}.DIRECT.GET.${name}`,
      `${api}.DIRECT.GET.${name}.>`,
      `${api}.CONSUMER.CREATE.${name}`,
      `${api}.CONSUMER.CREATE.${name}.>`,
      `${api}.CONSUMER.DURABLE.CREATE.${name}.>`,
      `${api}.CONSUMER.INFO.${name}.>`,
      `${api}.CONSUMER.DELETE.${name}.>`,
      `${api}.CONSUMER.MSG.NEXT.${name}.>`,
      `$JS.ACK.${name}.>`,
      `$JS.FC.${name}.>`,
    );
  if (uses.includes('manage')) publish.push(`${api}.STREAM.CREATE.${name}`, `${api}.STREAM.UPDATE.${name}`);
  if (uses.includes('erase')) publish.push(`${api}.STREAM.PURGE.${name}`, `${api}.STREAM.MSG.DELETE.${name}`);
  return { publish };
}

/** A KV bucket the service creates, reads, watches and writes. */
const kv = (bucket: string): Grant =>
  merge(stream(`KV_${bucket}`, 'read', 'manage'), { publish: [`$KV.${bucket}.>`] });
/** An object store the service creates and reads (`write`: and writes). */
const objects = (store: string, write = false): Grant =>
  merge(
    stream(`OBJ_${store}`, 'read', 'manage', ...(write ? (['erase'] as const) : [])),
    write ? { publish: [`$O.${store}.>`] } : {},
  );

/** Asks actors of a type read-only questions (their current state), sending no commands. */
const actorQueries = (type: string): Grant => ({ publish: [`actor.ctl.${type}.>`] });

/** Sends commands to and queries actors of a type; results come on the caller's reply subjects. */
const actorClient = (type: string): Grant =>
  merge(
    stream(streams.commands(type)),
    {
      publish: [`actor.cmd.${type}.>`],
      subscribe: [subjects.replyTo('>')],
    },
    actorQueries(type),
  );

/** A durable consumer of a stream: the lease bucket of its name and the settle requests between replicas. */
const durable = (name: string, from: string, parked: string): Grant =>
  merge(stream(from, 'read', 'manage'), kv(projectionLeaseBucket(name)), stream(streams.parked, 'manage'), {
    publish: [subjects.projectionSettled(name), parked],
    subscribe: [subjects.projectionSettled(name)],
  });

/** A read model of an actor type's events. */
const projection = (name: string, type: string): Grant =>
  merge(
    durable(name, streams.events(type), subjects.parked(type)),
    // A projection makes the actor type's streams when it starts first.
    stream(streams.commands(type), 'manage'),
  );

/** Hosts the actors of a type: consumes their mailboxes, appends their events, answers for them. */
const actorHost = (type: string): Grant =>
  merge(
    stream(streams.commands(type), 'read', 'manage'),
    stream(streams.events(type), 'read', 'manage', 'erase'),
    stream(streams.parked, 'manage'),
    kv(leaseBucket(type)),
    {
      publish: [subjects.allEvents(type), subjects.parked(type), subjects.replyTo('>')],
      subscribe: [`actor.ctl.${type}.>`],
    },
  );

/** A durable consumer of mood scores, parking on its own subject. */
const moodScores = (name: string): Grant => durable(name, moodStream, `mood.parked.${name}`);

const moodEvents = (...uses: StreamUse[]) => stream(moodStream, 'manage', ...uses);

const s = {
  identity: identitySubjects,
  chat: chatSubjects,
  diary: diarySubjects,
  portrait: portraitSubjects,
  matching: matchingSubjects,
  notifications: notificationSubjects,
};

/** Requests between services that no user's request turns into: the gateway may not make them. */
const platformInternal = new Set<string>([
  s.identity.resolve, // emails → user ids: the operator's, for declared rooms
  s.portrait.many, // matching's index
  s.portrait.updated, // an announcement, not a request
  s.matching.changed, // an announcement, not a request
  s.diary.foundHelpful, // matching's recommendations
]);

/**
 * The user-facing requests: they carry the signed-in user's claims or id, so
 * only the gateway makes them. Every request subject the services declare
 * is one, unless it is platform-internal.
 */
const userFacing = [
  ...Object.values(s).flatMap((subjects) => Object.values(subjects)),
  moodSubjects.analyze,
  moodSubjects.analyzeWith('*'),
].filter((subject) => !platformInternal.has(subject));

const grants: Record<NatsService, Grant[]> = {
  gateway: [
    calls(...userFacing),
    actorClient('room'),
    actorClient('diary'),
    stream(streams.events('room'), 'read'),
    {
      publish: ['presence.v1.changed', 'typing.v1.room.*'],
      subscribe: [
        revocationSubject,
        blocksChangedSubject('*'),
        'presence.v1.changed',
        'typing.v1.room.*',
        'chat.receipts.*',
        // Live mood frames: each message's score as the mood service announces it.
        moodSubjects.analyzedInRoom('*'),
      ],
    },
  ],
  identity: [
    serves(...Object.values(s.identity)),
    { publish: [revocationSubject, blocksChangedSubject('*')] },
  ],
  chat: [
    serves(...Object.values(s.chat)),
    actorHost('room'),
    actorClient('room'),
    projection('chat-read-model', 'room'),
    moodScores('chat-mood-rule'),
    moodScores('chat-message-moods'),
    moodEvents('read', 'erase'),
    // Account deletion erases what was parked of the person.
    stream(streams.parked, 'read', 'erase'),
    { publish: ['chat.receipts.*'] },
  ],
  diary: [
    serves(...Object.values(s.diary)),
    actorHost('diary'),
    projection('diary-read-model', 'diary'),
    moodScores('diary-entry-moods'),
    moodEvents('erase'),
    stream(streams.parked, 'read', 'erase'),
  ],
  mood: [
    serves(moodSubjects.analyze, moodSubjects.analyzeWith('*')),
    projection('mood-analyzer', 'room'),
    projection('mood-diary-analyzer', 'diary'),
    moodEvents(),
    kv(moodBucket),
    objects(modelStore),
    { publish: [moodSubjects.all] },
  ],
  portrait: [
    serves(s.portrait.get, s.portrait.many, s.portrait.timeline, s.portrait.forget),
    moodScores('portraits'),
    { publish: [s.portrait.updated] },
  ],
  matching: [
    serves(
      s.matching.optIn,
      s.matching.status,
      s.matching.forget,
      s.matching.matches,
      s.matching.recommendations,
    ),
    // Portraits to match, helpful marks to recommend by, the names of the people matched.
    calls(s.portrait.get, s.portrait.many, s.diary.foundHelpful, s.identity.known),
    // Recommendations name public rooms: what they are is asked of the room.
    actorQueries('room'),
    { publish: [s.matching.changed], subscribe: [s.matching.changed, s.portrait.updated] },
  ],
  notifications: [
    serves(...Object.values(s.notifications)),
    calls(s.identity.blocks),
    actorClient('room'),
    projection('notifications', 'room'),
  ],
  operator: [
    // Declared rooms: members by email, then the room's configuration as a command.
    calls(s.identity.resolve),
    actorClient('room'),
    kv(moodBucket),
    objects(modelStore, true),
  ],
};

function merge(...parts: Grant[]): Grant {
  return {
    publish: parts.flatMap((p) => p.publish ?? []),
    subscribe: parts.flatMap((p) => p.subscribe ?? []),
  };
}

const sortedUnique = (list: string[]) => [...new Set(list)].sort();

/** What a service's NATS user may publish and subscribe to; its own inbox is the only one it reads. */
export function permissionsFor(service: NatsService): NatsPermissions {
  const grant = merge(...grants[service]);
  return {
    publish: { allow: sortedUnique(grant.publish ?? []) },
    subscribe: { allow: sortedUnique([...(grant.subscribe ?? []), `${inboxPrefixOf(service)}.>`]) },
    allow_responses: true,
  };
}
