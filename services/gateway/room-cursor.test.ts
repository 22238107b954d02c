import { expect } from 'chai';
import { RoomCursor, type RoomEventFrame } from './room-cursor.js';

const e = (seq: number): RoomEventFrame => ({ room: 'r', seq, type: 'MessageSent' });
const seqs = (frames: RoomEventFrame[]) => frames.map((f) => f.seq);

describe('room cursor (gap-free, duplicate-free delivery)', () => {
  it('delivers in order, holding back what arrives early until the gap is filled', () => {
    const cursor = new RoomCursor('r', 10);
    expect(seqs(cursor.offer([e(12), e(13)]))).to.deep.equal([]);
    expect(cursor.gapAfter()).to.equal(10);
    expect(seqs(cursor.offer([e(11)]))).to.deep.equal([11, 12, 13]);
    expect(cursor.gapAfter()).to.equal(undefined);
    expect(cursor.lastDelivered).to.equal(13);
  });

  it('drops what was delivered already, from history or live', () => {
    const cursor = new RoomCursor('r', 0);
    expect(seqs(cursor.offer([e(1), e(2), e(3)]))).to.deep.equal([1, 2, 3]);
    expect(seqs(cursor.offer([e(2), e(3), e(4), e(4)]))).to.deep.equal([4]);
  });

  it('asks for history when the room is known to be ahead (a reconnect)', () => {
    const cursor = new RoomCursor('r', 5);
    expect(cursor.gapAfter(9)).to.equal(5);
    expect(cursor.gapAfter(5)).to.equal(undefined);
  });

  it('delivers 200 events offered shuffled and twice exactly once each, in order', () => {
    const cursor = new RoomCursor('r', 0);
    const all = Array.from({ length: 200 }, (_, i) => e(i + 1));
    const shuffled = [...all, ...all].sort(() => Math.random() - 0.5);
    const delivered = shuffled.flatMap((frame) => cursor.offer([frame]));
    expect(seqs(delivered)).to.deep.equal(seqs(all));
  });
});
