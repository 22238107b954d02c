import { expect } from 'chai';
import { coalesce, isDeviceState, statusOf, type Presence } from './presence.js';

describe('presence', () => {
  it('is online with any active device, away when all are away, offline with none', () => {
    expect(statusOf([])).to.equal('offline');
    expect(statusOf(['away', 'active'])).to.equal('online');
    expect(statusOf(['away', 'away'])).to.equal('away');
  });

  it('accepts only the device states it knows', () => {
    expect(['active', 'away'].every(isDeviceState)).to.equal(true);
    for (const bad of ['sleeping', '', null, { $gt: '' }, 1]) expect(isDeviceState(bad)).to.equal(false);
  });

  it('coalesces changes to the newest per user', () => {
    const p = (user: string, status: Presence['status'], lastSeen: number): Presence => ({
      user,
      status,
      lastSeen,
    });
    const pending = coalesce(new Map(), [p('ann', 'online', 1), p('bob', 'online', 1)]);
    coalesce(pending, [p('ann', 'offline', 2), p('ann', 'online', 3)]);
    expect([...pending.values()]).to.deep.equal([p('ann', 'online', 3), p('bob', 'online', 1)]);
  });
});
