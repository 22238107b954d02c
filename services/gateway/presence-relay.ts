import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { chatSubjects, maxMemberOfUsers } from '../chat/endpoints.js';
import type { Logger } from '../kit/log.js';
import { callRpc } from '../kit/rpc.js';
import { coalesce, type DeviceState, type Presence } from '../presence/presence.js';
import { subscribeJson } from '../kit/nats-subscribe.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { Fanout, LiveClient } from './fanout.js';

// Presence of WebSocket clients, pushed to the users who share a room with
// them. A change is published once on NATS with the user's rooms; each
// gateway pushes it to its own clients in those rooms. Pushes are coalesced:
// every flush sends each client one frame with the newest status of each
// user that changed, however many rooms they share or how often it changed.
// Publishing is batched too: the rooms of many changed users come from chat
// in one request.

const changedSubject = 'presence.v1.changed';
const flushMs = 100;
/** Wait before sending again the changes a failed member-of request held. */
const retryMs = 1000;
/** How long a closing gateway waits for its last changes (its devices going offline) to go out. */
const closeWaitMs = 2000;

interface PresenceChange extends Presence {
  rooms: string[];
}

export class PresenceRelay {
  #pending = new Map<string, PresenceChange>();
  #subscription: Subscription | undefined;
  #timers: NodeJS.Timeout[] = [];
  /** Changes waiting to be sent, the newest per user. */
  readonly #outbox = new Map<string, Presence>();
  #pumping: Promise<void> | undefined;
  #closed = false;
  /** Last heartbeat handled per device: faster ones with the same state are ignored. */
  readonly #lastBeat = new Map<string, { at: number; state: DeviceState }>();

  constructor(
    private readonly deps: { nc: NatsConnection; store: PresenceStore; fanout: Fanout; log: Logger },
  ) {}

  start(): void {
    this.#subscription = subscribeJson<PresenceChange>(
      this.deps.nc,
      changedSubject,
      (change) => coalesce(this.#pending, [change]),
      this.deps.log,
    );
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
    await Promise.race([this.#pumping, new Promise((r) => setTimeout(r, closeWaitMs))]);
    this.#closed = true;
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
    this.#publish(await this.deps.store.beat(client.user, client.device, state));
  }

  /**
   * An open socket is presence: each device is beaten again in its last
   * state (heartbeats refine active/away), so a client that sends none stays
   * online while connected. Called every third of the TTL; unchanged beats
   * within it are skipped, so a device is written at most twice per TTL.
   */
  keepConnected(clients: Iterable<LiveClient>): void {
    for (const client of clients) {
      const state = this.#lastBeat.get(client.device)?.state ?? 'active';
      this.heartbeat(client, state).catch(() => undefined); // the next round tries again
    }
  }

  async disconnected(client: LiveClient): Promise<void> {
    this.#lastBeat.delete(client.device);
    this.#publish(await this.deps.store.leave(client.user, client.device));
  }

  async #sweep(): Promise<void> {
    try {
      for (const change of await this.deps.store.sweep()) this.#publish(change);
    } catch (err) {
      this.deps.log.warn('presence sweep failed', { error: err });
    }
  }

  /** Queues a change to be sent with its user's rooms (the newest per user). */
  #publish(change: Presence | undefined): void {
    if (!change) return;
    this.#outbox.set(change.user, change);
    this.#startPump();
  }

  #startPump(): void {
    if (this.#pumping || this.#closed) return;
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined;
      // A change queued after the pump's last look, before this ran, would wait for the next one.
      if (this.#outbox.size > 0) this.#startPump();
    });
  }

  /**
   * Sends the queued changes, asking chat for the rooms of up to 500 users in
   * one request, one request at a time: a mass expiry (a gateway with
   * thousands of clients dies) is a few requests, not thousands, and a change
   * that could not be sent is tried again unless a newer one replaced it.
   */
  async #pump(): Promise<void> {
    const { nc, log } = this.deps;
    while (this.#outbox.size > 0 && !this.#closed) {
      const batch = [...this.#outbox.values()].slice(0, maxMemberOfUsers);
      for (const change of batch) this.#outbox.delete(change.user);
      try {
        const rooms = await callRpc<Record<string, string[]>>(nc, chatSubjects.memberOf, {
          users: batch.map((c) => c.user),
        });
        for (const change of batch)
          nc.publish(changedSubject, JSON.stringify({ ...change, rooms: rooms[change.user] ?? [] }));
      } catch (err) {
        log.warn('presence changes not pushed yet; trying again', { users: batch.length, error: err });
        for (const change of batch) if (!this.#outbox.has(change.user)) this.#outbox.set(change.user, change);
        await new Promise((r) => setTimeout(r, retryMs));
      }
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
