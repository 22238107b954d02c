import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { currentTrace, formatTraceparent, traceFromHeaders, type TraceContext } from './trace.js';

// The trace of a request carried across NATS, as HTTP carries it: a W3C
// `traceparent` and an `X-Correlation-Id` header.

/** Headers for an outgoing message that continue the current trace (empty outside one). */
export function traceHeaders(): MsgHdrs {
  const h = natsHeaders();
  const trace = currentTrace();
  if (trace) {
    h.set('traceparent', formatTraceparent(trace));
    h.set('X-Correlation-Id', trace.correlationId);
  }
  return h;
}

/** The trace an incoming message continues (a new one when it carries none). */
export function traceOfMessage(headers: MsgHdrs | undefined): TraceContext {
  return traceFromHeaders({
    traceparent: headers?.get('traceparent') || undefined,
    correlationId: headers?.get('X-Correlation-Id') || undefined,
  });
}
