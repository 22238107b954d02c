import { Gauge, type Registry } from 'prom-client';
import type { LiveStats } from './live.js';

const help: Record<keyof LiveStats, string> = {
  sockets: 'Open live sockets whose token was accepted',
  closing: 'Live sockets the gateway closed whose client has not yet read the close',
  unauthenticated: 'Live sockets whose token is still being checked',
  earlyFrames: 'Frames held for sockets whose token is still being checked',
  rooms: 'Rooms with a confirmed live subscriber on this gateway',
  subscriptions: 'Confirmed room subscriptions of open sockets',
  pendingSubscriptions: 'Room subscriptions waiting for chat to confirm membership',
  usersWithSockets: 'Users with an open live socket on this gateway',
};

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The live hub's sizes as gauges (`gateway_live_…`), read when /metrics is scraped. */
export function registerLiveMetrics(registry: Registry, stats: () => LiveStats): void {
  for (const key of Object.keys(help) as (keyof LiveStats)[]) {
    new Gauge({
      name: `gateway_live_${snake(key)}`,
      help: help[key],
      registers: [registry],
      collect() {
        this.set(stats()[key]);
      },
    });
  }
}
