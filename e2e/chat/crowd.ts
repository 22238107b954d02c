import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { MetaChat, MetaChatError, type RoomEvent } from '../../services/sdk/index.js';

/**
 * Registers `people` accounts (client i from `clientFor(i)`) and has `owner`
 * create `rooms` rooms with all of them as members: the set-up of the load tests.
 */
export async function crowdInRooms(
  owner: MetaChat,
  clientFor: (i: number) => MetaChat,
  counts: { people: number; rooms: number; name: string },
): Promise<{ people: { c: MetaChat; id: string }[]; roomIds: string[] }> {
  const { name } = counts;
  const people = await Promise.all(
    Array.from({ length: counts.people }, async (_, i) => {
      const c = clientFor(i);
      const id = (await c.register(`${name}${i}@example.com`, `${name} ${i}`, `${name}-password`)).id;
      return { c, id };
    }),
  );
  const members = people.map((p) => p.id);
  const roomIds = await Promise.all(
    Array.from({ length: counts.rooms }, async (_, r) => {
      const { id } = await owner.createRoom(`${name} ${r}`, { members });
      await Promise.all(people.map((p) => p.c.acceptInvitation(id)));
      return id;
    }),
  );
  return { people, roomIds };
}

type HistoryMessage = Awaited<ReturnType<MetaChat['history']>>['messages'][number];

/** A room's whole history as `client` sees it, oldest first, read page by page. */
export async function wholeHistory(client: MetaChat, room: string): Promise<HistoryMessage[]> {
  const all: HistoryMessage[] = [];
  for (let after = 0; ;) {
    const page = (await client.history(room, { after, limit: 200 })).messages;
    all.push(...page);
    if (page.length < 200) return all;
    after = page.at(-1)!.seq;
  }
}

/**
 * A room's whole history once it holds every message acknowledged in it, or
 * as it is when `timeoutMs` has passed, with the acknowledged ones it lacks
 * (for the caller's assertions to name them).
 */
export async function historyHolding(
  client: MetaChat,
  room: string,
  acknowledged: SendLog['acknowledged'],
  timeoutMs: number,
): Promise<{ stored: HistoryMessage[]; missing: [string, { room: string; seq: number }][] }> {
  const expected = [...acknowledged].filter(([, v]) => v.room === room);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await wholeHistory(client, room).catch(() => []);
    const texts = new Set(stored.map((m) => m.text));
    const missing = expected.filter(([text]) => !texts.has(text));
    if (missing.length === 0 || Date.now() > deadline) return { stored, missing };
    await sleep(200);
  }
}

/**
 * An owner and `people` senders in `rooms` rooms on one gateway, with clients
 * that retry a send (same client id) for as long as it gets no answer
 * (network, 502-504): the set-up of the outage tests.
 */
export async function patientCrowd(
  url: string,
  counts: { people: number; rooms: number; name: string },
): Promise<{ owner: MetaChat; people: { c: MetaChat; id: string }[]; roomIds: string[] }> {
  const client = () => new MetaChat({ baseUrl: url, WebSocket: WebSocket as never, sendAttempts: 1000 });
  const owner = client();
  await owner.register(`${counts.name}-owner@example.com`, 'Owner', 'owner-password');
  return { owner, ...(await crowdInRooms(owner, client, counts)) };
}

/** `client` following each room live from its start: what arrives, per room in `rooms`' order. */
export async function listenLive(
  client: MetaChat,
  rooms: string[],
): Promise<{ received: RoomEvent[][]; close(): Promise<void> }> {
  const listeners = rooms.map((room) => client.events({ [room]: 0 }));
  await Promise.all(listeners.map((l) => l.subscribed));
  const received = rooms.map(() => [] as RoomEvent[]);
  const listening = listeners.map(async (l, r) => {
    for await (const e of l) received[r]!.push(e);
  });
  return {
    received,
    async close() {
      for (const l of listeners) l.close();
      await Promise.all(listening);
    },
  };
}

/** What a load of sends got: the acknowledged ones (text → room and sequence), the refused ones (text → error). */
export interface SendLog {
  acknowledged: Map<string, { room: string; seq: number }>;
  refused: Map<string, string>;
}

/**
 * Each person sends message after message round the rooms (text `${s} #${n}`,
 * client id `${s}-${n}`) while `more(n)` says so, calling `after` between
 * two; an error answer is recorded as refused, not thrown.
 */
export function sendAround(
  people: { c: MetaChat }[],
  roomIds: string[],
  more: (n: number) => boolean,
  after: () => Promise<unknown> | void = () => undefined,
): SendLog & { done: Promise<void> } {
  const log: SendLog = { acknowledged: new Map(), refused: new Map() };
  const done = Promise.all(
    people.map(async ({ c }, s) => {
      for (let n = 0; more(n); n++) {
        const room = roomIds[(s + n) % roomIds.length]!;
        const text = `${s} #${n}`;
        try {
          log.acknowledged.set(text, { room, ...(await c.send(room, text, `${s}-${n}`)) });
        } catch (err) {
          if (!(err instanceof MetaChatError)) throw err;
          log.refused.set(text, `${err.status} ${err.error}: ${err.message}`);
        }
        await after();
      }
    }),
  ).then(() => undefined);
  return { ...log, done };
}
