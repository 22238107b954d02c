import { ApiError } from '../kit/api-error.js';

/** The token of an `Authorization: Bearer <token>` header; a 401 that says what is wrong otherwise. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw new ApiError('unauthorized', 401, 'send Authorization: Bearer <access token>');
  const match = /^Bearer +(\S*)$/i.exec(header.trim());
  if (!match)
    throw new ApiError('unauthorized', 401, 'the Authorization header must be Bearer <access token>');
  if (!/^[A-Za-z0-9._-]{10,4096}$/.test(match[1]!))
    throw new ApiError('token_invalid', 401, 'the bearer token is malformed (not a JWT)');
  return match[1]!;
}
