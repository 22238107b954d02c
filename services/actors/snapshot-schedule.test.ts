import { expect } from 'chai';
import { snapshotDue } from './snapshot-schedule.js';

/** The versions at which an actor taking one event per turn writes its snapshots. */
function snapshotPoints(actorId: string, every: number, upTo: number): number[] {
  const points: number[] = [];
  let snapshotVersion = 0;
  for (let version = 1; version <= upTo; version++) {
    if (snapshotDue(actorId, snapshotVersion, version, every)) {
      points.push(version);
      snapshotVersion = version;
    }
  }
  return points;
}

describe('snapshotDue', () => {
  it('is due once every `every` versions', () => {
    const points = snapshotPoints('room-1', 500, 5_000);
    expect(points).to.have.length(10);
    for (let i = 1; i < points.length; i++) expect(points[i]! - points[i - 1]!).to.equal(500);
  });

  it('is due at most once per `every` versions even when a turn jumps far', () => {
    expect(snapshotDue('room-1', 0, 5_000, 500)).to.equal(true);
    expect(snapshotDue('room-1', 5_000, 5_000, 500)).to.equal(false);
  });

  it('spreads actors that advance together over the interval', () => {
    const firstPoints = new Set(
      Array.from({ length: 10 }, (_, i) => snapshotPoints(`room-${i}`, 500, 500)[0]),
    );
    expect(firstPoints.size).to.be.greaterThan(5);
  });

  it('is never due without progress', () => {
    for (const v of [0, 1, 499, 500, 12_345]) expect(snapshotDue('room-7', v, v, 500)).to.equal(false);
  });
});
