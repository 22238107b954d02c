import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';

/**
 * Connects to NATS the way every MetaChat process does. Async traces are off:
 * with them nats.js builds an Error, stack and all, for every request and
 * JetStream publish before it knows whether anything failed; that was a
 * quarter of the actor runtime's CPU in `make bench`. Errors still say what
 * failed, only without the caller's stack.
 */
export function connectNats(options: ConnectionOptions): Promise<NatsConnection> {
  return connect({ noAsyncTraces: true, ...options });
}
