import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from './log.js';

/**
 * Subscribes with a callback handed each message's JSON body. A message that
 * is not JSON, or a handler that throws, is logged and skipped: a throw out of
 * a nats.js subscription callback is uncaught and ends the process, so one
 * bad message on a subject would take the whole service down.
 */
export function subscribeJson<T>(
  nc: NatsConnection,
  subject: string,
  handle: (body: T, msg: Msg) => void,
  log: Pick<Logger, 'warn'>,
): Subscription {
  return nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      try {
        handle(msg.json<T>(), msg);
      } catch (error) {
        log.warn('a NATS message could not be handled; skipped', { subject: msg.subject, error });
      }
    },
  });
}
