import type { RoomEventFrame } from './room-cursor.js';

export type EventOfFrame = Omit<RoomEventFrame, 'room' | 'seq'>;

/** The live socket's frame for a room event as one client sees it. */
export const eventFrame = ({ room, seq }: RoomEventFrame, event: EventOfFrame) => ({
  type: 'event',
  room,
  seq,
  event,
});

/**
 * A room's events as every member who sees them unchanged gets them: split
 * and serialised once per event for all its clients, not once per client.
 */
export class SharedFrames {
  readonly #entries = new Map<RoomEventFrame, { event: EventOfFrame; text?: string }>();

  of(frame: RoomEventFrame): { event: EventOfFrame; text?: string } {
    let entry = this.#entries.get(frame);
    if (!entry) {
      const { room: _room, seq: _seq, ...event } = frame;
      entry = { event };
      this.#entries.set(frame, entry);
    }
    return entry;
  }

  text(frame: RoomEventFrame): string {
    const entry = this.of(frame);
    return (entry.text ??= JSON.stringify(eventFrame(frame, entry.event)));
  }
}
