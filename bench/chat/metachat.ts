import { WebSocket } from 'ws';
import { MetaChat } from '../../services/sdk/index.js';
import type { Workload } from './workload.js';

/** MetaChat through its SDK: one account per client, one room per group, sends over the live socket. */
export async function metachatWorkload(gatewayUrls: string[]): Promise<Workload> {
  const streams: { close(): void }[] = [];
  const owners = new Map<number, { client: MetaChat; room: string }>();
  let serial = 0;
  return {
    async connect(r, m, onDeliver) {
      const client = new MetaChat({
        baseUrl: gatewayUrls[(r + m) % gatewayUrls.length]!,
        WebSocket: WebSocket as never,
      });
      const id = (
        await client.register(
          `bench${serial++}-${Date.now()}@example.com`,
          `Bench ${r}/${m}`,
          'bench-password',
        )
      ).id;
      let owner = owners.get(r);
      if (!owner) {
        owner = { client, room: (await client.createRoom(`bench ${r}`)).id };
        owners.set(r, owner);
      } else {
        await owner.client.api('POST', `/rooms/${owner.room}/invitations`, { user: id });
        await client.api('POST', `/rooms/${owner.room}/join`);
      }
      const live = client.events({ [owner.room]: 0 });
      streams.push(live);
      await live.caughtUp; // history read and live from here: setup is not what is measured
      void (async () => {
        for await (const e of live) if (e.event.type === 'MessageSent') onDeliver(String(e.event.text));
      })();
      const room = owner.room;
      return async (text) => void (await client.send(room, text));
    },
    async close() {
      for (const s of streams) s.close();
    },
  };
}
