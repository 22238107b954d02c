import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { connectNats } from '../kit/nats-connect.js';
import { MongoClient } from 'mongodb';
import { ActorClient } from '../actors/client.js';
import type { PublishedEvent } from '../actors/envelope.js';
import { startProjection } from '../actors/projection.js';
import { actorHostSettings } from '../actors/service-main.js';
import type { RoomSummary } from '../chat/room.js';
import { identitySubjects } from '../identity/endpoints.js';
import { userIdPattern } from '../actors/command-fields.js';
import { validationFailed } from '../kit/api-error.js';
import { setting } from '../kit/config.js';
import { connectionSettings } from '../kit/connection-settings.js';
import { connectRedis } from '../kit/redis.js';
import { jsonObject } from '../kit/json-object.js';
import type { Logger } from '../kit/log.js';
import { callRpc, serveRpc } from '../kit/rpc.js';
import type { ServiceContext, StartedService } from '../kit/service.js';
import { PresenceStore } from '../presence/presence-store.js';
import { NotificationStore } from './notification-store.js';
import {
  candidatesFor,
  excerptOf,
  mayNotify,
  notificationOf,
  type NewMessage,
  type Notification,
  type TextChange,
} from './notify.js';
import { Webhook } from './webhook.js';

export const notificationSubjects = {
  list: 'notifications.v1.list',
  markRead: 'notifications.v1.read',
  /** Platform-internal: every notification of a user goes (account deletion). */
  /** Platform-internal (account export): every notification of a user. */
  exportUser: 'notifications.v1.export-user',
  forget: 'notifications.v1.forget',
};

export const notificationSettings = {
  ...connectionSettings,
  partitions: actorHostSettings.partitions,
  /** Where each new notification is POSTed (a push bridge); empty for none. */
  webhookUrl: setting.string('NOTIFY_WEBHOOK_URL', { default: '' }),
  /** Signs the hook's requests (X-MetaChat-Signature: t=<unix seconds>,v1=HMAC of "<t>.<body>"); empty for unsigned. */
  webhookSecret: setting.secret('NOTIFY_WEBHOOK_SECRET', { default: '' }),
  /** Pushes to the hook in flight at once; more wait their turn. */
  webhookConcurrency: setting.int('NOTIFY_WEBHOOK_CONCURRENCY', { default: 8, min: 1, max: 256 }),
};

type Config = {
  [K in keyof typeof notificationSettings]: ReturnType<(typeof notificationSettings)[K]['parse']>;
};

/**
 * The notification service: follows every room event; a direct message or
 * a mention for someone offline becomes a stored notification (list, mark
 * read) and a POST to the deployment's push hook.
 */
export async function startNotificationService(config: Config, ctx: ServiceContext): Promise<StartedService> {
  const nc = await connectNats({ servers: config.natsUrl, name: 'notifications' });
  const mongo = await MongoClient.connect(config.mongoUrl);
  const redis = connectRedis({ url: config.redisUrl, commandTimeoutMs: config.redisTimeoutMs, log: ctx.log });
  const store = new NotificationStore(mongo.db(config.mongoDb));
  await store.ensureIndexes();
  const presence = new PresenceStore(redis, 0);
  const actors = new ActorClient(nc, config.partitions);
  const webhook = config.webhookUrl
    ? new Webhook(
        { url: config.webhookUrl, secret: config.webhookSecret, concurrency: config.webhookConcurrency },
        ctx.log,
      )
    : undefined;

  /** The notifications one message makes: candidates who are offline and did not block the author. */
  async function notificationsFor(message: NewMessage): Promise<Notification[]> {
    const summary = await actors.query<RoomSummary | null>('room', message.room, { type: 'summary' });
    if (!summary) return [];
    const room = { kind: summary.kind, name: summary.name, members: Object.keys(summary.members) };
    const candidates = candidatesFor(message, room);
    if (candidates.length === 0) return [];
    const statuses = await presence.statuses(candidates.map((c) => c.user));
    const offline = candidates.filter((_, i) => statuses[i]!.status === 'offline');
    const notify: Notification[] = [];
    for (const recipient of offline) {
      const { blocked } = await callRpc<{ blocked: { user: string }[] }>(nc, identitySubjects.blocks, {
        user: recipient.user,
      });
      if (!blocked.some((b) => b.user === message.author))
        notify.push(notificationOf(message, room, recipient));
    }
    return notify;
  }

  const projection = await startProjection({
    nc,
    name: 'notifications',
    actorType: 'room',
    log: ctx.log,
    async handleBatch(events) {
      const now = Date.now();
      const fresh: Notification[] = [];
      const changes: TextChange[] = [];
      for (const { event } of events) {
        const message = newMessageOf(event);
        if (message && mayNotify(message, now)) fresh.push(...(await notificationsFor(message)));
        const change = textChangeOf(event);
        if (change) changes.push(change);
      }
      const added = await store.add(fresh);
      for (const notification of added) void webhook?.push(notification);
      await store.changeText(changes);
    },
  });
  const endpoints = serveNotifications(nc, store, ctx.log);
  return {
    checks: [{ name: 'redis', check: async () => void (await redis.ping()) }],
    async stop() {
      for (const sub of endpoints) sub.unsubscribe();
      await projection.stop();
      await nc.drain();
      redis.disconnect();
      await mongo.close();
    },
  };
}

function newMessageOf({ actorId, version, data }: PublishedEvent): NewMessage | undefined {
  if (data.type !== 'MessageSent' || typeof data.text !== 'string' || typeof data.author !== 'string')
    return undefined;
  return { room: actorId, seq: version, author: data.author, text: data.text, at: Number(data.at) };
}

/** An edit or deletion of a message, which its notifications follow (a deleted text leaves nothing to show). */
export function textChangeOf({ actorId, data }: PublishedEvent): TextChange | undefined {
  if (typeof data.target !== 'number') return undefined;
  if (data.type === 'MessageDeleted') return { room: actorId, seq: data.target, excerpt: '' };
  if (data.type === 'MessageEdited' && typeof data.text === 'string')
    return { room: actorId, seq: data.target, excerpt: excerptOf(data.text) };
  return undefined;
}

function userOf(raw: Record<string, unknown>): string {
  if (typeof raw.user !== 'string' || !userIdPattern.test(raw.user))
    throw validationFailed('user is malformed', { field: 'user' });
  return raw.user;
}

function serveNotifications(nc: NatsConnection, store: NotificationStore, log: Logger): Subscription[] {
  const queue = 'notifications';
  return [
    serveRpc(
      nc,
      notificationSubjects.list,
      queue,
      async (raw) => {
        const r = jsonObject(raw, ['user', 'unreadOnly', 'limit']);
        const limit = r.limit ?? 50;
        if (!Number.isSafeInteger(limit) || (limit as number) < 1 || (limit as number) > 500)
          throw validationFailed('limit must be 1 to 500', { field: 'limit' });
        const user = userOf(r);
        const [notifications, unread] = await Promise.all([
          store.list(user, { unreadOnly: r.unreadOnly === true, limit: limit as number }),
          store.unreadCount(user),
        ]);
        return { notifications, unread };
      },
      log,
    ),
    serveRpc(
      nc,
      notificationSubjects.markRead,
      queue,
      async (raw) => {
        const r = jsonObject(raw, ['user', 'ids', 'all']);
        const user = userOf(r);
        const ids = r.all === true ? 'all' : r.ids;
        if (
          ids !== 'all' &&
          (!Array.isArray(ids) ||
            ids.length === 0 ||
            ids.length > 500 ||
            !ids.every((i) => typeof i === 'string'))
        )
          throw validationFailed('give ids (1 to 500 notification ids) or all: true', { field: 'ids' });
        return { marked: await store.markRead(user, ids as string[] | 'all') };
      },
      log,
    ),
    serveRpc(
      nc,
      notificationSubjects.exportUser,
      queue,
      async (raw) => ({ notifications: await store.all(userOf(jsonObject(raw, ['user']))) }),
      log,
    ),
    serveRpc(
      nc,
      notificationSubjects.forget,
      queue,
      async (raw) => {
        await store.forget(userOf(jsonObject(raw, ['user'])));
        return null;
      },
      log,
    ),
  ];
}
