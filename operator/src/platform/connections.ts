import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { type NatsConnection } from '@nats-io/transport-node';
import { natsAuth } from '../../../services/kit/connection-settings.js';
import { connectNats } from '../../../services/kit/nats-connect.js';
import { ActorClient } from '../../../services/actors/client.js';
import type { Logger } from '../../../services/kit/log.js';
import type { MetaChatSpec } from '../api/metachat.js';

/** How the operator talks to one platform's services: over its NATS, as another client. */
export interface PlatformClient {
  nc: NatsConnection;
  actors: ActorClient;
}

export class PlatformUnreachable extends Error {
  override name = 'PlatformUnreachable';
}

/**
 * One NATS connection per platform URL (and user), shared by every resource of that
 * platform and kept for the operator's life (the client reconnects by itself).
 */
export class PlatformConnections {
  readonly #core: CoreV1Api;
  readonly #connections = new Map<string, Promise<NatsConnection>>();
  /** One actor client per connection and partition count, not one per reconcile. */
  readonly #actors = new WeakMap<NatsConnection, Map<number, ActorClient>>();

  constructor(
    kc: KubeConfig,
    private readonly log: Logger,
  ) {
    this.#core = kc.makeApiClient(CoreV1Api);
  }

  async client(namespace: string, spec: MetaChatSpec): Promise<PlatformClient> {
    const url = await this.#natsUrl(namespace, spec);
    // With a user per service, the operator signs in as the platform's `operator` user.
    const auth = spec.nats.usersSecret
      ? natsAuth(
          'operator',
          await this.#secretValue(namespace, { name: spec.nats.usersSecret, key: 'operator' }),
        )
      : undefined;
    const key = `${url} ${auth?.user ?? ''} ${auth?.pass ?? ''}`;
    let connection = this.#connections.get(key);
    if (!connection) {
      connection = connectNats({
        servers: url,
        name: 'metachat-operator',
        timeout: 3000,
        maxReconnectAttempts: -1,
        ...auth,
      });
      this.#connections.set(key, connection);
      connection.catch(() => this.#connections.delete(key));
    }
    let nc: NatsConnection;
    try {
      nc = await connection;
    } catch (err) {
      throw new PlatformUnreachable(`cannot reach the platform's NATS: ${(err as Error).message}`);
    }
    const partitions = spec.partitions ?? 16;
    let clients = this.#actors.get(nc);
    if (!clients) this.#actors.set(nc, (clients = new Map()));
    let actors = clients.get(partitions);
    if (!actors) clients.set(partitions, (actors = new ActorClient(nc, partitions)));
    return { nc, actors };
  }

  async #natsUrl(namespace: string, spec: MetaChatSpec): Promise<string> {
    return spec.nats.url ?? (await this.#secretValue(namespace, spec.nats.urlSecretRef!));
  }

  async #secretValue(namespace: string, ref: { name: string; key: string }): Promise<string> {
    const secret = await this.#core
      .readNamespacedSecret({ name: ref.name, namespace })
      .catch(() => undefined);
    const value = secret?.data?.[ref.key];
    if (!value) throw new PlatformUnreachable(`Secret ${ref.name} has no key ${ref.key}`);
    return Buffer.from(value, 'base64').toString('utf8').trim();
  }

  async close(): Promise<void> {
    const connections = [...this.#connections.values()];
    this.#connections.clear();
    for (const connection of connections) {
      const nc = await connection.catch(() => undefined);
      await nc
        ?.drain()
        .catch((err: unknown) => this.log.warn('closing a platform connection failed', { error: err }));
    }
  }
}
