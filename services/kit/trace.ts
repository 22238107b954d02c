import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * The identifiers that tie log lines of one request together across services.
 * trace_id/span_id follow W3C Trace Context; correlation_id is the id a client
 * or an upstream service gave the request (X-Correlation-Id), else the trace id.
 */
export interface TraceContext {
  traceId: string;
  spanId: string;
  correlationId: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

export function withTrace<T>(trace: TraceContext, fn: () => T): T {
  return storage.run(trace, fn);
}

export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Parses a W3C `traceparent` header; undefined when absent or malformed (all-zero ids are invalid). */
export function parseTraceparent(
  header: string | undefined,
): { traceId: string; parentSpanId: string } | undefined {
  const match = header ? traceparentPattern.exec(header.trim().toLowerCase()) : null;
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return { traceId: match[1]!, parentSpanId: match[2]! };
}

export function formatTraceparent(trace: Pick<TraceContext, 'traceId' | 'spanId'>): string {
  return `00-${trace.traceId}-${trace.spanId}-01`;
}

const correlationIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The trace for an incoming request or message: continues the caller's trace
 * when it sent a valid traceparent, with a new span of our own.
 */
export function traceFromHeaders(headers: { traceparent?: string; correlationId?: string }): TraceContext {
  const parent = parseTraceparent(headers.traceparent);
  const traceId = parent?.traceId ?? newTraceId();
  const correlationId =
    headers.correlationId && correlationIdPattern.test(headers.correlationId)
      ? headers.correlationId
      : traceId;
  return { traceId, spanId: newSpanId(), correlationId };
}
