import { ApiError } from './api-error.js';

// Is a failure an outage of a server the service depends on (retry it; a
// caller gets a 503), or something wrong with the request or the data that
// no retry will fix (a 4xx; a projection parks the event)? Decided from what
// the drivers put on their errors (names, codes, labels), so it needs none of
// them to run and works across copies of a driver.

/** Errors of the MongoDB driver that mean the server could not be reached or answered in time. */
const mongoOutageNames = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoOperationTimeoutError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
  'MongoStalePrimaryError',
]);

/** Labels the MongoDB driver and server set on errors that a retry can get past. */
const mongoRetryLabels = [
  'RetryableWriteError',
  'TransientTransactionError',
  'ResetPool',
  'PoolRequestedRetry',
  'RetryableError',
  'SystemOverloadedError',
];

/**
 * MongoDB server codes of a node that cannot serve right now: unreachable,
 * shutting down, not (or no longer) primary, out of time, write conflicts.
 */
const mongoRetryCodes = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  64, // WriteConcernTimeout
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  133, // FailedToSatisfyReadPreference
  134, // ReadConcernMajorityNotAvailableYet
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** What the MongoDB driver's own network and server-selection errors say, kept when another error wraps them. */
const mongoDriverOutage =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)\b|^connection .* (closed|timed out)|^Server selection timed out|^Topology is closed/;

/** A server-selection failure's `reason`: the driver's view of the servers, none of which it could use. */
const hasTopology = (reason: unknown) => typeof reason === 'object' && reason !== null && 'servers' in reason;

/** FerretDB on SQLite, when another writer holds the database. */
const sqliteBusy = /SQLITE_BUSY|database is locked/;

/** NATS client errors of a connection that is down, draining, or got no answer in time. */
const natsOutageNames = new Set([
  'ConnectionError',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'TimeoutError',
  'NoResponders',
  'NoRespondersError',
  'JetStreamNotEnabled',
]);

/** ioredis errors of a connection that is down or a command that got no answer in time. */
const redisOutageNames = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const redisOutageMessages = [
  /^Command timed out/,
  /^Connection is closed/,
  /^Stream isn't writeable/,
  /^None of startup nodes is available/,
];
/** Redis replies of a server that cannot serve right now (loading, read-only replica, cluster down). */
const redisBusyReply = /^(LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

/** Socket errors: the server is not there (yet), or the connection broke. */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** HTTP statuses a service answers when it (or what it needs) is down for now. */
const unavailableStatuses = new Set([502, 503, 504]);

type ErrorLike = {
  name?: unknown;
  reason?: unknown;
  message?: unknown;
  code?: unknown;
  errorLabels?: unknown;
  cause?: unknown;
  errors?: unknown;
};

/**
 * True when `err` says a server was down, unreachable or too slow, so the
 * same operation can succeed later; false for everything else (bad input,
 * a validation error, a decode error, a bug), which a retry would only repeat.
 * Follows `cause` and the parts of an AggregateError.
 */
export function isTransient(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  if (err instanceof ApiError) return unavailableStatuses.has(err.status);
  const e = err as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (mongoOutageNames.has(name) || natsOutageNames.has(name) || redisOutageNames.has(name)) return true;
  if (redisOutageMessages.some((pattern) => pattern.test(message))) return true;
  if (name === 'ReplyError' && redisBusyReply.test(message)) return true;
  if (typeof e.code === 'string' && socketCodes.has(e.code)) return true;
  if (name.startsWith('Mongo')) {
    if (typeof e.code === 'number' && mongoRetryCodes.has(e.code)) return true;
    if (sqliteBusy.test(message)) return true;
    // A bulk write wraps the driver's error in its own, keeping the fields but not the name or labels.
    if (hasTopology(e.reason) || (typeof e.code !== 'number' && mongoDriverOutage.test(message))) return true;
    if (Array.isArray(e.errorLabels) && e.errorLabels.some((l) => mongoRetryLabels.includes(l as string)))
      return true;
  }
  if (
    Array.isArray(e.errors) &&
    e.errors.length > 0 &&
    e.errors.every((part) => isTransient(part, depth + 1))
  )
    return true;
  return isTransient(e.cause, depth + 1);
}

/** The 503 a caller gets for an outage of `what` (e.g. "the session store"). */
export const unavailable = (what: string) =>
  new ApiError('unavailable', 503, `${what} is unavailable; try again shortly`);
