import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ApiError, validationFailed } from '../kit/api-error.js';
import type { Logger } from '../kit/log.js';
import { serveRpc } from '../kit/rpc.js';
import type { AccessClaims } from './tokens.js';
import type { Identity } from './identity.js';
import { blocksChangedSubject, type Blocks } from './blocks.js';

/** The identity service's NATS subjects; the gateway is their caller. */
export const identitySubjects = {
  register: 'identity.v1.register',
  login: 'identity.v1.login',
  refresh: 'identity.v1.refresh',
  logout: 'identity.v1.logout',
  profile: 'identity.v1.profile',
  updateProfile: 'identity.v1.profile.update',
  /** Block or unblock a user (`{user, blocked}`, as the signed-in user); whom a user blocked (`{user}`, platform-internal). */
  setBlock: 'identity.v1.blocks.set',
  blocks: 'identity.v1.blocks',
  /** Account deletion: the password again, then (after every other service forgot the user) the account. */
  confirmPassword: 'identity.v1.confirm-password',
  endOtherLogins: 'identity.v1.end-other-logins',
  deleteAccount: 'identity.v1.delete-account',
  /** Platform-internal (the operator): emails → user ids. The gateway never forwards to it. */
  resolve: 'identity.v1.resolve',
  /** Platform-internal: which of some user ids (`{users}`) have accounts, `{known}`. */
  known: 'identity.v1.known',
};

/** Requests that act for a user carry the claims the gateway verified. */
interface AsUser {
  claims: AccessClaims;
  body?: unknown;
}

function asUser(raw: unknown): AsUser {
  const r = raw as Partial<AsUser> | null;
  if (
    typeof r?.claims?.sub !== 'string' ||
    typeof r.claims.jti !== 'string' ||
    typeof r.claims.exp !== 'number' ||
    (r.claims.sid !== undefined && typeof r.claims.sid !== 'string')
  ) {
    throw new ApiError('unauthorized', 401, 'no authenticated user');
  }
  return r as AsUser;
}

export function serveIdentity(
  nc: NatsConnection,
  identity: Identity,
  blocks: Blocks,
  log: Logger,
): Subscription[] {
  const queue = 'identity';
  const s = identitySubjects;
  return [
    serveRpc(
      nc,
      s.setBlock,
      queue,
      async (raw) => {
        const { claims, body } = asUser(raw);
        const changed = await blocks.set(claims.sub, (body ?? {}) as Record<string, unknown>, Date.now());
        if (changed) nc.publish(blocksChangedSubject(claims.sub));
        return { blocked: await blocks.of(claims.sub) };
      },
      log,
    ),
    serveRpc(
      nc,
      s.blocks,
      queue,
      async (raw) => {
        const user = (raw as { user?: unknown } | null)?.user;
        if (typeof user !== 'string') throw validationFailed('user must be a user id', { field: 'user' });
        return { blocked: await blocks.of(user) };
      },
      log,
    ),
    serveRpc(nc, s.register, queue, (body) => identity.register(body), log),
    serveRpc(nc, s.login, queue, (body) => identity.login(body), log),
    serveRpc(nc, s.refresh, queue, (body) => identity.refresh(body), log),
    serveRpc(
      nc,
      s.logout,
      queue,
      async (raw) => {
        const { claims, body } = asUser(raw);
        await identity.logout(claims, body);
        return null;
      },
      log,
    ),
    serveRpc(
      nc,
      s.endOtherLogins,
      queue,
      async (raw) => {
        await identity.endOtherLogins(asUser(raw).claims);
        return null;
      },
      log,
    ),
    serveRpc(
      nc,
      s.confirmPassword,
      queue,
      async (raw) => {
        const { claims, body } = asUser(raw);
        await identity.confirmPassword(claims.sub, body);
        return null;
      },
      log,
    ),
    serveRpc(
      nc,
      s.deleteAccount,
      queue,
      async (raw) => {
        const { claims } = asUser(raw);
        await blocks.forget(claims.sub);
        await identity.deleteAccount(claims.sub);
        return null;
      },
      log,
    ),
    serveRpc(nc, s.resolve, queue, (body) => identity.resolve(body), log),
    serveRpc(nc, s.known, queue, (body) => identity.known(body), log),
    serveRpc(nc, s.profile, queue, (raw) => identity.profile(asUser(raw).claims.sub), log),
    serveRpc(
      nc,
      s.updateProfile,
      queue,
      (raw) => {
        const { claims, body } = asUser(raw);
        return identity.updateProfile(claims.sub, body);
      },
      log,
    ),
  ];
}
