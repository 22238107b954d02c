import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '../kit/log.js';
import { subscribeJson } from '../kit/nats-subscribe.js';
import type { Fanout, LiveClient } from './fanout.js';

// Typing indicators: ephemeral signals on core NATS, never stored. A client
// says it is typing in a room (at most once a second counts); every gateway
// pushes "typing" to the room's other subscribers and, when no signal renews
// it within the TTL or the typist's message arrives, "stopped".

const subjectOf = (room: string) => `typing.v1.room.${room}`;
const throttleMs = 1000;

export class TypingRelay {
  #subscription: Subscription | undefined;
  /** room → typist → timer that ends their typing here. */
  readonly #typing = new Map<string, Map<string, NodeJS.Timeout>>();
  /** device → room → when that client's last signal there was published. */
  readonly #lastSignal = new Map<string, Map<string, number>>();

  constructor(private readonly deps: { nc: NatsConnection; fanout: Fanout; ttlMs: number; log: Logger }) {}

  start(): void {
    this.#subscription = subscribeJson<{ room: string; user: string }>(
      this.deps.nc,
      subjectOf('*'),
      ({ room, user }) => this.#typingIn(room, user),
      this.deps.log,
    );
  }

  close(): void {
    this.#subscription?.unsubscribe();
    for (const typists of this.#typing.values()) for (const timer of typists.values()) clearTimeout(timer);
  }

  /** A client's signal; false when it was throttled (not an error: clients send on keystrokes). */
  signal(client: LiveClient, room: string): boolean {
    const now = Date.now();
    const signals = this.#lastSignal.get(client.device) ?? new Map<string, number>();
    if (now - (signals.get(room) ?? 0) < throttleMs) return false;
    this.#lastSignal.set(client.device, signals.set(room, now));
    this.deps.nc.publish(subjectOf(room), JSON.stringify({ room, user: client.user }));
    return true;
  }

  forget(client: LiveClient): void {
    this.#lastSignal.delete(client.device);
  }

  /** The typist posted: their typing ends now. */
  messageSent(room: string, user: string): void {
    if (this.#typing.get(room)?.has(user)) this.#stopped(room, user);
  }

  #typingIn(room: string, user: string): void {
    const typists = this.#typing.get(room) ?? new Map<string, NodeJS.Timeout>();
    this.#typing.set(room, typists);
    const renewing = typists.has(user);
    clearTimeout(typists.get(user));
    typists.set(
      user,
      setTimeout(() => this.#stopped(room, user), this.deps.ttlMs),
    );
    if (!renewing) this.#push(room, user, true);
  }

  #stopped(room: string, user: string): void {
    const typists = this.#typing.get(room);
    clearTimeout(typists?.get(user));
    typists?.delete(user);
    if (typists?.size === 0) this.#typing.delete(room);
    this.#push(room, user, false);
  }

  #push(room: string, user: string, typing: boolean): void {
    const expiresAt = typing ? Date.now() + this.deps.ttlMs : undefined;
    for (const client of this.deps.fanout.clientsIn([room])) {
      if (client.user !== user)
        this.deps.fanout.send(client, { type: 'typing', room, user, typing, expiresAt });
    }
  }
}
