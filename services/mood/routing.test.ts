import { expect } from 'chai';
import { electRouting, goesToCanary, parseRouting, type RoutingClaim } from './routing.js';

const claim = (name: string, createdAt: string, active = false, canaryPercent = 0): RoutingClaim => ({
  name,
  createdAt,
  active,
  canaryPercent,
});

describe('mood model routing', () => {
  it('makes the oldest active claim active and tells later ones why not', () => {
    const { routing, roles } = electRouting([
      claim('new', '2026-11-22T10:00:00Z', true),
      claim('old', '2026-11-21T10:00:00Z', true),
      claim('spare', '2026-11-20T10:00:00Z'),
    ]);
    expect(routing).to.deep.equal({ active: 'old', canary: null });
    expect(roles.get('old')).to.deep.equal({ role: 'active' });
    expect(roles.get('spare')).to.deep.equal({ role: 'standby' });
    expect(roles.get('new')).to.deep.equal({
      role: 'conflict',
      message: 'MoodModel old is already the active model',
    });
  });

  it('takes one canary with its percentage; a second canary conflicts', () => {
    const { routing, roles } = electRouting([
      claim('stable', '2026-11-01T00:00:00Z', true),
      claim('try-a', '2026-11-02T00:00:00Z', false, 10),
      claim('try-b', '2026-11-03T00:00:00Z', false, 20),
    ]);
    expect(routing).to.deep.equal({ active: 'stable', canary: { model: 'try-a', percent: 10 } });
    expect(roles.get('try-b')?.role).to.equal('conflict');
  });

  it('has no active model when none is claimed (the built-in model serves)', () => {
    expect(electRouting([claim('spare', '2026-11-01T00:00:00Z')]).routing).to.deep.equal({
      active: null,
      canary: null,
    });
  });

  it('sends a stable share of keys to the canary', () => {
    const routing = { active: 'a', canary: { model: 'b', percent: 25 } };
    const keys = Array.from({ length: 4000 }, (_, i) => `room-${i}`);
    const share = keys.filter((k) => goesToCanary(routing, k)).length / keys.length;
    expect(share).to.be.within(0.2, 0.3);
    expect(keys.map((k) => goesToCanary(routing, k))).to.deep.equal(
      keys.map((k) => goesToCanary(routing, k)),
    );
    expect(keys.some((k) => goesToCanary({ active: 'a', canary: null }, k))).to.equal(false);
  });

  it('reads malformed routing entries as none, and drops an invalid canary', () => {
    expect(parseRouting('nonsense')).to.deep.equal({ active: null, canary: null });
    expect(parseRouting({ active: 'a', canary: { model: 'b', percent: 500 } })).to.deep.equal({
      active: 'a',
      canary: null,
    });
    expect(parseRouting({ active: 7, canary: { model: 'b', percent: 5 } })).to.deep.equal({
      active: null,
      canary: { model: 'b', percent: 5 },
    });
  });
});
