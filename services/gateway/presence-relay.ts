import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { chatSubjects } from '../chat/endpoints.js';
import type { Logger } from '../kit/log.js';
import { callRpc } from '../kit/rpc.js';
import { coalesce, type DeviceState, type Presence } from '../presence/presence.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { Fanout, LiveClient } from './fanout.js';

// Presence of WebSocket clients, pushed to the users who share a room with
// them. A change is published once on NATS with the user's rooms; each
// gateway pushes it to its own clients in those rooms. Pushes are coalesced:
// every flush sends each client one frame with the newest status of each
// user that changed, however many rooms they share or how often it changed.

const changedSubject = 'presence.v1.changed';
const flushMs = 100;

interface PresenceChange extends Presence {
  rooms: string[];
}

export class PresenceRelay {
  #pending = new Map<string, PresenceChange>();
  #subscription: Subscription | undefined;
  #timers: NodeJS.Timeout[] = [];
  /** Last heartbeat handled per device: faster ones with the same state are ignored. */
  readonly #lastBeat = new Map<string, { at: number; state: DeviceState }>();

  constructor(
    private readonly deps: { nc: NatsConnection; store: PresenceStore; fanout: Fanout; log: Logger },
  ) {}

  start(): void {
    this.#subscription = this.deps.nc.subscribe(changedSubject, {
      callback: (err, msg) => {
        if (!err) coalesce(this.#pending, [msg.json<PresenceChange>()]);
      },
    });
    const sweepEvery = Math.max(200, Math.min(1000, this.deps.store.ttlMs / 3));
    this.#timers.push(
      setInterval(() => this.#flush(), flushMs),
      setInterval(() => void this.#sweep(), sweepEvery),
    );
  }

  async close(clients: LiveClient[]): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    // A gateway shutting down takes its devices offline now rather than after the TTL.
    await Promise.allSettled(clients.map((c) => this.disconnected(c)));
    this.#subscription?.unsubscribe();
  }

  connected(client: LiveClient): Promise<void> {
    return this.heartbeat(client, 'active');
  }

  /** A heartbeat refreshes the device's TTL; within a third of the TTL an unchanged one is skipped. */
  async heartbeat(client: LiveClient, state: DeviceState): Promise<void> {
    const now = Date.now();
    const last = this.#lastBeat.get(client.device);
    if (last && last.state === state && now - last.at < this.deps.store.ttlMs / 3) return;
    this.#lastBeat.set(client.device, { at: now, state });
    await this.#publish(await this.deps.store.beat(client.user, client.device, state));
  }

  async disconnected(client: LiveClient): Promise<void> {
    this.#lastBeat.delete(client.device);
    await this.#publish(await this.deps.store.leave(client.user, client.device));
  }

  async #sweep(): Promise<void> {
    try {
      for (const change of await this.deps.store.sweep()) await this.#publish(change);
    } catch (err) {
      this.deps.log.warn('presence sweep failed', { error: err });
    }
  }

  async #publish(change: Presence | undefined): Promise<void> {
    if (!change) return;
    try {
      const rooms = await callRpc<string[]>(this.deps.nc, chatSubjects.memberOf, { user: change.user });
      this.deps.nc.publish(changedSubject, JSON.stringify({ ...change, rooms }));
    } catch (err) {
      this.deps.log.warn('presence change not pushed', { user: change.user, error: err });
    }
  }

  #flush(): void {
    if (this.#pending.size === 0) return;
    const perClient = new Map<LiveClient, Presence[]>();
    for (const { rooms, ...presence } of this.#pending.values()) {
      for (const client of this.deps.fanout.clientsIn(rooms)) {
        if (client.user === presence.user) continue;
        // One entry per user: pending holds each user once, and clientsIn each client once.
        perClient.set(client, [...(perClient.get(client) ?? []), presence]);
      }
    }
    this.#pending = new Map();
    for (const [client, users] of perClient) this.deps.fanout.send(client, { type: 'presence', users });
  }
}
