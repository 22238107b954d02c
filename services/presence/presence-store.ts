import type { Redis } from 'ioredis';
import { deletedUserKey } from '../identity/verifier.js';
import type { DeviceState, Presence, PresenceStatus } from './presence.js';

// Presence in Redis, shared by every gateway replica:
//   mc:presence:<user>   hash device → active|away (the user's connected devices)
//   mc:presence:expiry   sorted set "<user> <device>" by expiry time (ms)
//   mc:seen:<user>       when the user was last connected (ms)
// Each script runs atomically and answers the user's status before and after,
// so exactly one caller learns of each change and pushes it.

const prefix = 'mc:presence:';
const expiryKey = 'mc:presence:expiry';
const seenKey = (user: string) => `mc:seen:${user}`;

// Status of a device hash, as Lua (mirrors statusOf in presence.ts).
const statusLua = `
local function status(key)
  local states = redis.call('HVALS', key)
  if #states == 0 then return 'offline' end
  for _, s in ipairs(states) do if s == 'active' then return 'online' end end
  return 'away'
end`;

// Nothing is written for a deleted account (KEYS[4] set): its sockets close
// as its tokens are revoked, after its presence was forgotten.
const deletedGuard = `if redis.call('EXISTS', KEYS[4]) == 1 then return {'offline', 'offline'} end`;

const beatScript = `${statusLua}
${deletedGuard}
local before = status(KEYS[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
redis.call('SET', KEYS[3], ARGV[4])
return {before, status(KEYS[1])}`;

const leaveScript = `${statusLua}
${deletedGuard}
local before = status(KEYS[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('SET', KEYS[3], ARGV[2])
return {before, status(KEYS[1])}`;

// Devices whose heartbeats stopped: removed, and the users whose status changed returned.
// (Keys built inside the script: fine on one Redis; a cluster would need hash tags.)
const sweepScript = `${statusLua}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local changes = {}
for _, member in ipairs(expired) do
  local space = string.find(member, ' ', 1, true)
  local user, device = string.sub(member, 1, space - 1), string.sub(member, space + 1)
  local key = '${prefix}' .. user
  local before = status(key)
  redis.call('HDEL', key, device)
  redis.call('ZREM', KEYS[1], member)
  local after = status(key)
  if before ~= after then
    table.insert(changes, user)
    table.insert(changes, after)
    table.insert(changes, redis.call('GET', 'mc:seen:' .. user) or '0')
  end
end
return changes`;

const statusesScript = `${statusLua}
local out = {}
for i, key in ipairs(KEYS) do
  table.insert(out, status(key))
  table.insert(out, redis.call('GET', ARGV[i]) or '0')
end
return out`;

export class PresenceStore {
  constructor(
    private readonly redis: Redis,
    /** How long a device counts as connected after its last heartbeat. */
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A device's heartbeat; answers the user's presence if it changed. */
  async beat(user: string, device: string, state: DeviceState): Promise<Presence | undefined> {
    const now = this.now();
    const keys = [prefix + user, expiryKey, seenKey(user), deletedUserKey(user)];
    const [before, after] = (await this.redis.eval(
      beatScript,
      4,
      ...keys,
      device,
      state,
      now + this.ttlMs,
      now,
      `${user} ${device}`,
    )) as [PresenceStatus, PresenceStatus];
    return before === after ? undefined : { user, status: after, lastSeen: now };
  }

  /** A device disconnected cleanly; answers the user's presence if it changed. */
  async leave(user: string, device: string): Promise<Presence | undefined> {
    const now = this.now();
    const [before, after] = (await this.redis.eval(
      leaveScript,
      4,
      prefix + user,
      expiryKey,
      seenKey(user),
      deletedUserKey(user),
      device,
      now,
      `${user} ${device}`,
    )) as [PresenceStatus, PresenceStatus];
    return before === after ? undefined : { user, status: after, lastSeen: now };
  }

  /** Expires devices whose heartbeats stopped (a crashed client or gateway); answers the changes. */
  async sweep(limit = 1000): Promise<Presence[]> {
    const flat = (await this.redis.eval(sweepScript, 1, expiryKey, this.now(), limit)) as string[];
    const changes: Presence[] = [];
    for (let i = 0; i < flat.length; i += 3)
      changes.push({ user: flat[i]!, status: flat[i + 1] as PresenceStatus, lastSeen: Number(flat[i + 2]) });
    return changes;
  }

  async statuses(users: string[]): Promise<Presence[]> {
    if (users.length === 0) return [];
    const flat = (await this.redis.eval(
      statusesScript,
      users.length,
      ...users.map((u) => prefix + u),
      ...users.map(seenKey),
    )) as string[];
    return users.map((user, i) => ({
      user,
      status: flat[2 * i] as PresenceStatus,
      lastSeen: Number(flat[2 * i + 1]),
    }));
  }

  /** Everything presence knows of a user (account deletion). */
  async forget(user: string): Promise<void> {
    const devices = await this.redis.hkeys(prefix + user);
    const multi = this.redis.multi().del(prefix + user, seenKey(user));
    if (devices.length) multi.zrem(expiryKey, ...devices.map((d) => `${user} ${d}`));
    await multi.exec();
  }
}
