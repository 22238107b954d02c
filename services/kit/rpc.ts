import { NoRespondersError, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ApiError } from './api-error.js';
import type { Logger } from './log.js';
import { isTransient, unavailable } from './transient.js';
import { traceHeaders, traceOfMessage } from './nats-trace.js';
import { withTrace } from './trace.js';

// Request/reply between services over core NATS. Replies carry either the
// value or the project's error, so an ApiError thrown in a service reaches the
// HTTP client unchanged. Replicas share a subject through a queue group.

type Reply = { ok: true; value: unknown } | { ok: false; error: ReturnType<ApiError['toJSON']> };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type RpcHandler = (body: unknown) => Promise<unknown>;

/** Serves `subject` (one replica of the queue group answers each request). */
export function serveRpc(
  nc: NatsConnection,
  subject: string,
  queue: string,
  handler: RpcHandler,
  log: Logger,
): Subscription {
  return nc.subscribe(subject, {
    queue,
    callback: (err, msg) => {
      if (err) return;
      void withTrace(traceOfMessage(msg.headers), async () => {
        let reply: Reply;
        try {
          const body: unknown = msg.data.length ? JSON.parse(decoder.decode(msg.data)) : undefined;
          reply = { ok: true, value: await handler(body) };
        } catch (e) {
          if (e instanceof ApiError) reply = { ok: false, error: e.toJSON() };
          else if (isTransient(e)) {
            log.warn('rpc handler found a server it needs unavailable', { subject, error: e });
            reply = { ok: false, error: unavailable('a server this request needs').toJSON() };
          } else {
            log.error('rpc handler failed', { subject, error: e });
            reply = {
              ok: false,
              error: new ApiError('internal', 500, 'the service failed to answer').toJSON(),
            };
          }
        }
        msg.respond(encoder.encode(JSON.stringify(reply)));
      });
    },
  });
}

/**
 * Calls a service; its ApiError is thrown as such; no answer is a 503
 * `unavailable`, unless the caller says what it means that nobody serves the
 * subject at all (`noResponders`: e.g. a MoodModel that no service runs).
 */
export async function callRpc<T>(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  timeoutMs = 5000,
  options: { noResponders?: () => ApiError } = {},
): Promise<T> {
  const h = traceHeaders();
  let data: Uint8Array;
  try {
    const msg = await nc.request(subject, encoder.encode(JSON.stringify(body ?? null)), {
      timeout: timeoutMs,
      headers: h,
    });
    data = msg.data;
  } catch (err) {
    if (options.noResponders && err instanceof Error && err.cause instanceof NoRespondersError)
      throw options.noResponders();
    throw new ApiError('unavailable', 503, `the service behind ${subject} did not answer`);
  }
  const reply = JSON.parse(decoder.decode(data)) as Reply;
  if (!reply.ok) throw ApiError.fromJSON(reply.error);
  return reply.value as T;
}
