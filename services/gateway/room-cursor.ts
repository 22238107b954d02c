/** A room event as clients receive it: its room, its sequence and what happened. */
export interface RoomEventFrame {
  room: string;
  seq: number;
  type: string;
  [key: string]: unknown;
}

/**
 * Delivery of one room's events to one client, in sequence order with
 * nothing missing or repeated, whether the events come from history (a
 * catch-up after reconnect) or live, in any order or twice. Pure: callers
 * offer events and send what comes back; when `gapAfter()` is defined, they
 * fetch history after that sequence and offer it.
 */
export class RoomCursor {
  #last: number;
  readonly #waiting = new Map<number, RoomEventFrame>();

  constructor(
    readonly room: string,
    lastDelivered: number,
    private readonly maxWaiting = 10_000,
  ) {
    this.#last = lastDelivered;
  }

  get lastDelivered(): number {
    return this.#last;
  }

  /** Takes events from anywhere; returns those now deliverable, in order. */
  offer(events: RoomEventFrame[]): RoomEventFrame[] {
    for (const e of events) if (e.seq > this.#last) this.#waiting.set(e.seq, e);
    const ready: RoomEventFrame[] = [];
    for (let next = this.#waiting.get(this.#last + 1); next; next = this.#waiting.get(this.#last + 1)) {
      this.#waiting.delete(next.seq);
      this.#last = next.seq;
      ready.push(next);
    }
    if (this.#waiting.size > this.maxWaiting) this.#waiting.clear(); // a fetch will bring them again
    return ready;
  }

  /** Sequence to fetch history after, when events are known to be missing (held back or announced). */
  gapAfter(knownLatest = 0): number | undefined {
    const highest = Math.max(knownLatest, ...this.#waiting.keys());
    return highest > this.#last ? this.#last : undefined;
  }
}
