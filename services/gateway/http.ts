import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ApiError, validationFailed } from '../kit/api-error.js';
import type { Logger } from '../kit/log.js';
import { isTransient, unavailable } from '../kit/transient.js';
import { traceFromHeaders, withTrace } from '../kit/trace.js';

// The HTTP edge: tracing, security headers, CORS, bounded JSON bodies, and one
// error format for everything that goes wrong.

export function tracing(): RequestHandler {
  return (req, res, next) => {
    const trace = traceFromHeaders({
      traceparent: req.header('traceparent'),
      correlationId: req.header('x-correlation-id'),
    });
    res.setHeader('X-Correlation-Id', trace.correlationId);
    withTrace(trace, next);
  };
}

export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.setHeader('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

export function cors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.header('origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader(
        'Access-Control-Allow-Headers',
        'Authorization, Content-Type, X-Correlation-Id, traceparent',
      );
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(origin && allowed.has(origin) ? 204 : 403).end();
      return;
    }
    next();
  };
}

/** JSON bodies only, bounded, strictly parsed (objects and arrays at the top). */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true, type: () => true });
  return (req, res, next) => {
    const length = Number(req.header('content-length') ?? 0);
    if (
      req.method === 'GET' ||
      req.method === 'DELETE' ||
      (length === 0 && !req.header('transfer-encoding'))
    ) {
      next();
      return;
    }
    const type = req.header('content-type') ?? '';
    if (!/^application\/json(;|$)/i.test(type)) {
      next(new ApiError('unsupported_media_type', 415, 'send JSON with Content-Type: application/json'));
      return;
    }
    parse(req, res, next);
  };
}

export const notFound: RequestHandler = (req, _res, next) =>
  next(new ApiError('not_found', 404, `no route for ${req.method} ${req.path}`));

/** Every error leaves as the project's JSON error; nothing unexpected leaks. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500)
      log.error('request failed', { method: req.method, path: req.path, error: err });
    // Whoever refused for rate (the gateway's limiter or a room's own limit) says when to come back.
    const retryAfter = apiError.details?.retryAfterSeconds;
    if (apiError.status === 429 && typeof retryAfter === 'number')
      res.setHeader('Retry-After', String(retryAfter));
    res.status(apiError.status).json(apiError.toJSON());
  };
}

/** Any error as the project's error: known client errors keep their 4xx, an outage is a 503, the rest a 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isTransient(err)) return unavailable('a server this request needs');
  const bodyError = err as { type?: string; status?: number; limit?: number };
  switch (bodyError.type) {
    case 'entity.parse.failed':
      return validationFailed('the body is not valid JSON', { field: 'body' });
    case 'entity.too.large':
      return new ApiError('payload_too_large', 413, `the body is larger than ${bodyError.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('unsupported_media_type', 415, 'the body must be UTF-8 JSON');
    case 'request.aborted':
      return new ApiError('bad_request', 400, 'the request was aborted');
  }
  if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return new ApiError('bad_request', bodyError.status, 'the request could not be read');
  }
  return new ApiError('internal', 500, 'something went wrong on our side');
}
