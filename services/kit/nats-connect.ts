import { connect, createInbox, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { natsAuthFromEnv } from './connection-settings.js';

/**
 * Connects to NATS the way every MetaChat process does. Async traces are off:
 * with them nats.js builds an Error, stack and all, for every request and
 * JetStream publish before it knows whether anything failed; that was a
 * quarter of the actor runtime's CPU in `make bench`. Errors still say what
 * failed, only without the caller's stack.
 *
 * The process signs in as the user NATS_USER/NATS_PASSWORD name, unless the
 * caller gives a user of its own (the operator, one per platform).
 */
export function connectNats(options: ConnectionOptions): Promise<NatsConnection> {
  const auth = options.user === undefined ? natsAuthFromEnv() : undefined;
  return connect({ noAsyncTraces: true, ...auth, ...options });
}

/** A new inbox subject under the connection's own inbox prefix (the only one its user may read). */
export function newInbox(nc: NatsConnection): string {
  return createInbox((nc as NatsConnection & { options?: ConnectionOptions }).options?.inboxPrefix);
}
