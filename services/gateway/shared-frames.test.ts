import { expect } from 'chai';
import type { RoomEventFrame } from './room-cursor.js';
import { eventFrame, SharedFrames } from './shared-frames.js';

describe('live frames shared by the clients of a room', () => {
  const frame = { room: 'r1', seq: 3, type: 'MessageSent', author: 'u1', text: 'hi' } as RoomEventFrame;

  it('splits a frame into its event once, and serialises it once for every client that sees it unchanged', () => {
    const shared = new SharedFrames();
    expect(shared.of(frame).event).to.deep.equal({ type: 'MessageSent', author: 'u1', text: 'hi' });
    expect(shared.of(frame)).to.equal(shared.of(frame));
    const text = shared.text(frame);
    expect(JSON.parse(text)).to.deep.equal({
      type: 'event',
      room: 'r1',
      seq: 3,
      event: { type: 'MessageSent', author: 'u1', text: 'hi' },
    });
    expect(shared.text(frame)).to.equal(text);
  });

  it('frames an event as changed for one client the same way', () => {
    const hidden = { type: 'MessageSent', author: 'u1', text: '' };
    expect(eventFrame(frame, hidden)).to.deep.equal({ type: 'event', room: 'r1', seq: 3, event: hidden });
  });
});
