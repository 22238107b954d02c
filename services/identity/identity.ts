import type { Redis } from 'ioredis';
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { ApiError, validationFailed } from '../kit/api-error.js';
import {
  parseCredentials,
  parseLogout,
  parseKnown,
  parseProfileUpdate,
  parseRefresh,
  parseRegistration,
  parseResolve,
} from './input.js';
import { defaultCost, hashPassword, needsRehash, verifyPassword, type ScryptCost } from './passwords.js';
import type { Revocation } from './revocation.js';
import type { Person } from './people.js';
import { AccessTokenVerifier } from './verifier.js';
import { issueAccessToken, newRefreshToken, refreshTokenId, type AccessClaims } from './tokens.js';

export interface UserDoc {
  _id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

interface RefreshDoc {
  _id: string; // sha256 of the token
  user: string;
  /** Every token descended from one login; reuse of a spent one revokes the family. */
  family: string;
  expiresAt: number;
  usedAt: number | null;
  revoked: boolean;
  /** Why the family was revoked: its user signed out, or one of its tokens was spent twice. */
  endedBy?: LoginEnd;
}

type LoginEnd = 'sign_out' | 'reuse';

export interface Profile {
  id: string;
  email: string;
  displayName: string;
  createdAt: number;
}

export interface Tokens {
  tokenType: 'Bearer';
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
}

export interface IdentityOptions {
  jwtSecret: string;
  accessTtlMs: number;
  refreshTtlMs: number;
  /** log2 of scrypt's N for new password hashes (r=8, p=1); default 17. */
  scryptLog2N?: number;
  /**
   * Tells every gateway (ADR 0008), once Redis has the revocation and before
   * the caller is answered, so they close the revoked tokens' sockets.
   */
  announce: (revocation: Revocation) => void;
  now?: () => number;
}

const unauthorized = (error: string, message: string) => new ApiError(error, 401, message);
/** What refreshing a login that has ended answers, by how it ended. */
const loginEnded = (how: LoginEnd | undefined) =>
  how === 'sign_out'
    ? unauthorized('session_ended', 'this login was signed out; sign in again')
    : unauthorized(
        'token_reused',
        'a refresh token of this login was used twice, so the whole login was signed out; sign in again',
      );
const toProfile = (u: UserDoc): Profile => ({
  id: u._id,
  email: u.email,
  displayName: u.displayName,
  createdAt: u.createdAt,
});

/**
 * Accounts and sessions: registration, login, refresh-token rotation with
 * reuse detection, logout (the login's access tokens revoked in Redis until
 * they expire), profiles. Users and refresh tokens live in MongoDB.
 */
export class Identity {
  readonly users: Collection<UserDoc>;
  readonly refreshTokens: Collection<RefreshDoc>;
  readonly #now: () => number;
  readonly #verifier: AccessTokenVerifier;
  /** Verified against when the email is unknown, so a login takes as long either way. */
  #decoyHash: Promise<string>;
  /** What new password hashes cost; older ones are made again at sign-in. */
  readonly #cost: ScryptCost;

  constructor(
    db: Db,
    redis: Redis,
    private readonly options: IdentityOptions,
  ) {
    this.users = db.collection('users');
    this.refreshTokens = db.collection('refresh_tokens');
    this.#now = options.now ?? Date.now;
    this.#verifier = new AccessTokenVerifier(options.jwtSecret, redis, this.#now);
    this.#cost = options.scryptLog2N ? { ...defaultCost, N: 2 ** options.scryptLog2N } : defaultCost;
    this.#decoyHash = hashPassword(randomBytes(16).toString('hex'), this.#cost);
  }

  async ensureIndexes(): Promise<void> {
    await this.users.createIndex({ email: 1 }, { unique: true, name: 'email' });
    await this.refreshTokens.createIndex({ family: 1 }, { name: 'family' });
  }

  async register(raw: unknown): Promise<{ user: Profile; tokens: Tokens }> {
    const input = parseRegistration(raw);
    const user: UserDoc = {
      _id: `u_${randomBytes(12).toString('base64url')}`,
      email: input.email,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password, this.#cost),
      createdAt: this.#now(),
    };
    try {
      await this.users.insertOne(user);
    } catch (err) {
      if (err instanceof MongoServerError && err.code === 11000) {
        throw new ApiError('email_taken', 409, 'an account with this email exists', { field: 'email' });
      }
      throw err;
    }
    return {
      user: toProfile(user),
      tokens: await this.#issue(user._id, randomBytes(12).toString('base64url')),
    };
  }

  async login(raw: unknown): Promise<Tokens> {
    const { email, password } = parseCredentials(raw);
    const user = await this.users.findOne({ email });
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.#decoyHash));
    if (!user || !valid) throw unauthorized('invalid_credentials', 'wrong email or password');
    if (needsRehash(user.passwordHash, this.#cost)) await this.#rehash(user, password);
    return this.#issue(user._id, randomBytes(12).toString('base64url'));
  }

  /** Spends a refresh token for a new pair. A token spent twice revokes its whole family. */
  async refresh(raw: unknown): Promise<Tokens> {
    const id = refreshTokenId(parseRefresh(raw).refreshToken);
    const now = this.#now();
    const spent = await this.refreshTokens.findOneAndUpdate(
      { _id: id, usedAt: null, revoked: false },
      { $set: { usedAt: now } },
      { returnDocument: 'before' },
    );
    if (!spent) {
      const known = await this.refreshTokens.findOne({ _id: id });
      if (!known) throw unauthorized('token_invalid', 'unknown refresh token');
      if (known.revoked) throw loginEnded(known.endedBy);
      await this.#endLogin(known.family, 'reuse');
      throw loginEnded('reuse');
    }
    if (spent.expiresAt <= now) throw unauthorized('token_expired', 'the refresh token has expired');
    return this.#issue(spent.user, spent.family);
  }

  /**
   * Ends the login the access token was issued in: its refresh tokens and
   * every access token of it. A token that names no login is revoked alone,
   * with the family of the refresh token given, if any.
   */
  async logout(claims: AccessClaims, raw?: unknown): Promise<void> {
    const token = parseLogout(raw).refreshToken;
    const given = token === undefined ? undefined : refreshTokenId(token);
    if (claims.sid) await this.#endLogin(claims.sid, 'sign_out');
    else {
      await this.#verifier.revoke(claims);
      this.options.announce({ jti: claims.jti });
    }
    if (given === undefined) return;
    const known = await this.refreshTokens.findOne({ _id: given });
    if (known && known.user === claims.sub && known.family !== claims.sid)
      await this.#endLogin(known.family, 'sign_out');
  }

  /**
   * Ends every login of a user but the one asking (account deletion's first
   * step): no other session can post or read while the deletion runs, and
   * the asking one can still retry it if a step fails.
   */
  async endOtherLogins(claims: AccessClaims): Promise<void> {
    const families = await this.refreshTokens.distinct('family', { user: claims.sub, revoked: false });
    for (const family of families) if (family !== claims.sid) await this.#endLogin(family, 'sign_out');
  }

  /** A login's refresh tokens stop refreshing, and its access tokens are revoked until they expire. */
  async #endLogin(family: string, how: LoginEnd): Promise<void> {
    // The first end is the one a later refresh reports.
    await this.refreshTokens.updateMany(
      { family, revoked: false },
      { $set: { revoked: true, endedBy: how } },
    );
    await this.#verifier.revokeSession(family, this.options.accessTtlMs);
    this.options.announce({ session: family });
  }

  /** Checks a signed-in user's password again before something irreversible (403 when wrong). */
  async confirmPassword(userId: string, raw: unknown): Promise<void> {
    const password = (raw as { password?: unknown } | null)?.password;
    if (typeof password !== 'string' || password.length === 0 || password.length > 1024)
      throw validationFailed('password is required to confirm', { field: 'password' });
    const user = await this.users.findOne({ _id: userId });
    if (!user) throw new ApiError('not_found', 404, 'no such user');
    if (!(await verifyPassword(password, user.passwordHash)))
      throw new ApiError('wrong_password', 403, 'the password does not match');
  }

  /**
   * The account itself goes (the last step of account deletion): the user,
   * every refresh token, and every access token (revoked until they expire).
   */
  async deleteAccount(userId: string): Promise<void> {
    await this.#verifier.revokeUser(userId, this.options.accessTtlMs);
    this.options.announce({ user: userId });
    await this.refreshTokens.deleteMany({ user: userId });
    await this.users.deleteOne({ _id: userId });
  }

  /** Who a bearer token belongs to: signature, expiry and revocation checked. */
  authenticate(token: string): Promise<AccessClaims> {
    return this.#verifier.authenticate(token);
  }

  async profile(userId: string): Promise<Profile> {
    const user = await this.users.findOne({ _id: userId });
    if (!user) throw new ApiError('not_found', 404, 'no such user');
    return toProfile(user);
  }

  /** Which of these emails have accounts, and their user ids (for the platform, never for clients). */
  async resolve(raw: unknown): Promise<{ users: Record<string, string> }> {
    const { emails } = parseResolve(raw);
    const found = await this.users
      .find({ email: { $in: emails } }, { projection: { _id: 1, email: 1 } })
      .toArray();
    return { users: Object.fromEntries(found.map((u) => [u.email, u._id])) };
  }

  /** Which of these user ids have accounts (a user added, invited or blocked must exist). */
  /** Which of some user ids have accounts, with the name each shows to others. */
  async known(raw: unknown): Promise<{ known: Person[] }> {
    const { users } = parseKnown(raw);
    const found = await this.users
      .find({ _id: { $in: users } }, { projection: { _id: 1, displayName: 1 } })
      .toArray();
    return { known: found.map((u) => ({ id: u._id, displayName: u.displayName })) };
  }

  async updateProfile(userId: string, raw: unknown): Promise<Profile> {
    const update = parseProfileUpdate(raw);
    const user = await this.users.findOneAndUpdate(
      { _id: userId },
      { $set: update },
      { returnDocument: 'after' },
    );
    if (!user) throw new ApiError('not_found', 404, 'no such user');
    return toProfile(user);
  }

  /** Stores the password's hash at the current cost, unless the password changed meanwhile. */
  async #rehash(user: UserDoc, password: string): Promise<void> {
    const passwordHash = await hashPassword(password, this.#cost);
    await this.users.updateOne(
      { _id: user._id, passwordHash: user.passwordHash },
      { $set: { passwordHash } },
    );
  }

  /** A token pair of login `family` (its access tokens name it as their `sid`). */
  async #issue(userId: string, family: string): Promise<Tokens> {
    const now = this.#now();
    const access = issueAccessToken(this.options.jwtSecret, userId, family, now, this.options.accessTtlMs);
    const refresh = newRefreshToken();
    const refreshTokenExpiresAt = now + this.options.refreshTtlMs;
    await this.refreshTokens.insertOne({
      _id: refresh.id,
      user: userId,
      family,
      expiresAt: refreshTokenExpiresAt,
      usedAt: null,
      revoked: false,
    });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
    };
  }
}
