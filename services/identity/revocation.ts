import type { AccessClaims } from './tokens.js';

// What identity tells every gateway when access tokens stop being valid
// before they expire (ADR 0008): every token of a login when it signs out or
// one of its refresh tokens is reused, every token of a user when the account
// is deleted (one token alone for tokens that name no login). Redis stays the
// record (REST requests and new sockets check it); the message lets a gateway
// close its open sockets at once instead of asking Redis on every send.

/** Core NATS subject of revocations (identity publishes, gateways listen). */
export const revocationSubject = 'identity.tokens.revoked';

export type Revocation = { jti: string } | { session: string } | { user: string };

const kinds = ['jti', 'session', 'user'] as const;

/** The message's body as it came off the wire; undefined when it is none of the forms. */
export function parseRevocation(raw: unknown): Revocation | undefined {
  const body = raw as Record<string, unknown> | null;
  for (const kind of kinds) {
    const value = body && Object.hasOwn(body, kind) ? body[kind] : undefined;
    if (typeof value === 'string' && value.length > 0) return { [kind]: value } as Revocation;
  }
  return undefined;
}

/** Whether the revocation ends the token these claims came from. */
export function revokes(revocation: Revocation, claims: AccessClaims): boolean {
  if ('jti' in revocation) return revocation.jti === claims.jti;
  if ('session' in revocation) return revocation.session === claims.sid;
  return revocation.user === claims.sub;
}
