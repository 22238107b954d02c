import { expect } from 'chai';
import { endsMembership, msUntilExpiry, needsCatchUp, subscriptionRefusal } from './live-rules.js';

describe('live socket rules', () => {
  it('lets members subscribe from any sequence up to the room end, and refuses the rest with the reason', () => {
    expect(subscriptionRefusal({ member: true, lastSeq: 10 }, 0)).to.equal(undefined);
    expect(subscriptionRefusal({ member: true, lastSeq: 10 }, 10)).to.equal(undefined);
    expect(subscriptionRefusal(null, 0)?.toJSON()).to.deep.include({ error: 'not_found', code: 404 });
    expect(subscriptionRefusal({ member: false, lastSeq: 10 }, 0)?.toJSON()).to.deep.include({
      error: 'forbidden',
      code: 403,
    });
    expect(subscriptionRefusal({ member: true, lastSeq: 10 }, 11)?.toJSON()).to.deep.include({
      error: 'validation_failed',
      code: 400,
      details: { field: 'after', lastSeq: 10 },
    });
    // A non-member learns nothing of the room's length.
    expect(subscriptionRefusal({ member: false, lastSeq: 10 }, 999)?.status).to.equal(403);
  });

  it("ends a subscription on the member's own leave or removal after confirmation, not on a replayed one", () => {
    const left = { room: 'r', seq: 5, type: 'MemberLeft', user: 'u_ann' };
    expect(endsMembership(left, 'u_ann', 4)).to.equal(true);
    expect(endsMembership({ ...left, type: 'MemberRemoved' }, 'u_ann', 4)).to.equal(true);
    expect(endsMembership(left, 'u_ann', 5)).to.equal(false); // confirmed a member at 5 or later: rejoined since
    expect(endsMembership(left, 'u_ann', 9)).to.equal(false);
    expect(endsMembership(left, 'u_bob', 4)).to.equal(false);
    expect(endsMembership({ ...left, type: 'MemberJoined' }, 'u_ann', 4)).to.equal(false);
  });

  it('fetches history only when something after the subscription point exists or passed by', () => {
    expect(needsCatchUp(10, 10, 0)).to.equal(false);
    expect(needsCatchUp(10, 10, 10)).to.equal(false);
    expect(needsCatchUp(9, 10, 0)).to.equal(true);
    expect(needsCatchUp(10, 10, 11)).to.equal(true); // arrived live while chat was asked
  });

  it('times a socket to close when its token expires, within the longest timer', () => {
    expect(msUntilExpiry(100, 99_250)).to.equal(750);
    expect(msUntilExpiry(100, 100_000)).to.equal(0);
    expect(msUntilExpiry(100, 200_000)).to.equal(0);
    expect(msUntilExpiry(10 ** 9, 0)).to.equal(2 ** 31 - 1);
  });
});
