import type { AccessClaims } from './tokens.js';

// What identity tells every gateway when access tokens stop being valid
// before they expire (ADR 0008): one token at logout, every token of a user
// when the account is deleted. Redis stays the record (REST requests and new
// sockets check it); the message lets a gateway close its open sockets at once
// instead of asking Redis on every send.

/** Core NATS subject of revocations (identity publishes, gateways listen). */
export const revocationSubject = 'identity.tokens.revoked';

export type Revocation = { jti: string } | { user: string };

/** The message's body as it came off the wire; undefined when it is neither form. */
export function parseRevocation(raw: unknown): Revocation | undefined {
  const body = raw as { jti?: unknown; user?: unknown } | null;
  if (typeof body?.jti === 'string' && body.jti.length > 0) return { jti: body.jti };
  if (typeof body?.user === 'string' && body.user.length > 0) return { user: body.user };
  return undefined;
}

/** Whether the revocation ends the token these claims came from. */
export function revokes(revocation: Revocation, claims: AccessClaims): boolean {
  return 'jti' in revocation ? revocation.jti === claims.jti : revocation.user === claims.sub;
}
