import { ConnectionError, NoRespondersError, TimeoutError } from '@nats-io/transport-node';
import { expect } from 'chai';
import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { ApiError, validationFailed } from './api-error.js';
import { redisRetryDelay } from './redis.js';
import { isTransient } from './transient.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('isTransient', () => {
  it('calls what the MongoDB driver says of an unreachable or unready server transient', () => {
    for (const err of [
      new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'),
      new MongoNetworkTimeoutError('connection timed out'),
      new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', {} as never),
      new MongoServerError({ code: 10107, errmsg: 'not primary' }),
      new MongoServerError({ code: 91, errmsg: 'The server is in quiesce mode and will shut down' }),
      new MongoServerError({ code: 50, errmsg: 'operation exceeded time limit' }),
      new MongoServerError({ code: 1, errmsg: 'any', errorLabels: ['RetryableWriteError'] }),
      new MongoServerError({ code: 1, errmsg: 'database is locked (5) (SQLITE_BUSY)' }),
      // What insertMany and bulkWrite throw while the server is away: the driver's error, wrapped.
      new MongoBulkWriteError(
        new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', {
          servers: new Map(),
        } as never),
        {} as never,
      ),
      new MongoBulkWriteError(new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed'), {} as never),
    ])
      expect(isTransient(err), `${err.name} ${err.message}`).to.equal(true);
  });

  it('calls a MongoDB error about the data itself poison', () => {
    for (const err of [
      new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' }),
      new MongoServerError({ code: 121, errmsg: 'Document failed validation' }),
      new MongoServerError({ code: 2, errmsg: 'BadValue' }),
      new MongoBulkWriteError({ message: 'write failed', code: 11000 } as never, {} as never),
    ])
      expect(isTransient(err), `${err.name} ${err.message}`).to.equal(false);
  });

  it('calls ioredis failing a command on a lost or slow connection transient, and a wrong command poison', () => {
    expect(
      isTransient(named('MaxRetriesPerRequestError', 'Reached the max retries per request limit')),
    ).to.equal(true);
    expect(isTransient(new Error('Command timed out'))).to.equal(true);
    expect(isTransient(new Error('Connection is closed.'))).to.equal(true);
    expect(isTransient(named('ReplyError', 'LOADING Redis is loading the dataset in memory'))).to.equal(true);
    expect(
      isTransient(named('ReplyError', 'READONLY You cannot write against a read only replica.')),
    ).to.equal(true);
    expect(
      isTransient(named('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind')),
    ).to.equal(false);
  });

  it('calls NATS connections that are down or requests nobody answered transient', () => {
    expect(isTransient(new TimeoutError())).to.equal(true);
    expect(isTransient(new NoRespondersError('chat.command'))).to.equal(true);
    expect(isTransient(new ConnectionError('connection refused'))).to.equal(true);
  });

  it('calls socket errors transient, directly, as a cause or as every part of an AggregateError', () => {
    const refused = withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED');
    expect(isTransient(refused)).to.equal(true);
    expect(isTransient(withCode('read ECONNRESET', 'ECONNRESET'))).to.equal(true);
    expect(isTransient(new Error('write failed', { cause: refused }))).to.equal(true);
    expect(isTransient(new AggregateError([refused, withCode('x', 'EHOSTUNREACH')]))).to.equal(true);
    expect(isTransient(new AggregateError([refused, new TypeError('bug')]))).to.equal(false);
    expect(isTransient(withCode('no such file', 'ENOENT'))).to.equal(false);
  });

  it('follows the HTTP status of the project error: 502-504 transient, 4xx and 500 poison', () => {
    expect(isTransient(new ApiError('unavailable', 503, 'chat did not answer'))).to.equal(true);
    expect(isTransient(new ApiError('gateway_timeout', 504, 'slow'))).to.equal(true);
    expect(isTransient(validationFailed('text is required', { field: 'text' }))).to.equal(false);
    expect(isTransient(new ApiError('internal', 500, 'a bug'))).to.equal(false);
  });

  it('calls decode errors, bugs and non-errors poison', () => {
    let decodeError: unknown;
    try {
      JSON.parse('{"type": "MessageSent",');
    } catch (err) {
      decodeError = err;
    }
    for (const err of [decodeError, new TypeError("Cannot read properties of undefined (reading 'seq')")])
      expect(isTransient(err)).to.equal(false);
    for (const value of [undefined, null, 'ECONNREFUSED', 42, {}]) expect(isTransient(value)).to.equal(false);
  });

  it('does not loop on an error that is its own cause', () => {
    const err = new Error('odd') as Error & { cause?: unknown };
    err.cause = err;
    expect(isTransient(err)).to.equal(false);
  });
});

describe('redisRetryDelay', () => {
  it('grows from tens of milliseconds to at most a second, for every attempt', () => {
    const delays = [1, 2, 3, 4, 5, 10, 1000].map(redisRetryDelay);
    expect(delays[0]).to.be.below(delays[1]!);
    expect(Math.max(...delays)).to.equal(1000);
    for (const d of delays) expect(d).to.be.a('number').and.above(0);
  });
});
