// Presence as a pure function of a user's devices: each connected device
// reports active or away with heartbeats; a device that stops beating expires.

export type DeviceState = 'active' | 'away';
export type PresenceStatus = 'online' | 'away' | 'offline';

export interface Presence {
  user: string;
  status: PresenceStatus;
  /** When the user was last connected (ms since the epoch); 0 if never. */
  lastSeen: number;
}

/** Online if any device is active, away if all connected devices are away, offline with none. */
export function statusOf(devices: DeviceState[]): PresenceStatus {
  if (devices.length === 0) return 'offline';
  return devices.includes('active') ? 'online' : 'away';
}

export const isDeviceState = (value: unknown): value is DeviceState => value === 'active' || value === 'away';

/**
 * Presence changes to push, newest per user, merged with ones still waiting
 * (a user who connects and disconnects within one flush is pushed once, as
 * they are now).
 */
export function coalesce<P extends Presence>(pending: Map<string, P>, changes: P[]): Map<string, P> {
  for (const change of changes) pending.set(change.user, change);
  return pending;
}
