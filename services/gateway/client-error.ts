import type { Duplex } from 'node:stream';
import { ApiError, validationFailed } from '../kit/api-error.js';

/**
 * The answer to a request Node's HTTP parser refused before any route saw it
 * (a request line and headers past the size limit, or bytes that are not
 * HTTP), in the project's error format instead of Node's bare status line.
 */
export function clientErrorResponse(code: string | undefined): string {
  const error =
    code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError('headers_too_large', 431, 'the request line and headers are too large')
      : code === 'HPE_REQUEST_TIMEOUT' || code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError('request_timeout', 408, 'the request did not arrive in time')
        : validationFailed('the request is not valid HTTP', { field: 'request' });
  const body = JSON.stringify(error.toJSON());
  return [
    `HTTP/1.1 ${error.status} ${error.error}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/** The server's `clientError` listener: answer in the error format when the socket still takes bytes. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(err.code));
}
