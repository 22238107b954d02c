import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { EventStore, eventId, type StoredEvent } from '../../services/actors/event-store.js';
import { GroupCommit } from '../../services/actors/group-commit.js';
import { connectNats } from '../../services/kit/nats-connect.js';
import type { Workload } from './workload.js';

// The durable floor: the least any durable, ordered relay on this stack does
// for a message, and nothing else. Two plain WebSocket servers; a message is
// appended to the MongoDB-wire store (group-committed, as the actor runtime
// does), published to JetStream (stored, which gives it its place in the
// room's order) and acknowledged; each server follows the stream with an
// ordered consumer and forwards each message to its room's sockets. No
// accounts, checks, actors, read model or resume. What MetaChat costs above
// this line is its design; what this line costs against Socket.IO is the
// price of durability on this machine.

const streamName = 'BENCH_FLOOR';
const subject = (room: string) => `bench.floor.${room}`;

interface FloorServer {
  port: number;
  close(): Promise<void>;
}

async function startServer(natsUrl: string, mongoUrl: string, database: string): Promise<FloorServer> {
  const nc = await connectNats({ servers: natsUrl });
  const js = jetstream(nc);
  const mongo = await new MongoClient(mongoUrl).connect();
  const store = new EventStore(mongo.db(database));
  await store.ensureIndexes();
  const appends = new GroupCommit(store);
  const rooms = new Map<string, Set<WebSocket>>();
  let serial = 0;

  /** Appends the message as event `version` of its sender's stream, then publishes it. */
  async function relay(
    client: string,
    version: number,
    frame: { room: string; text: string; id: number },
  ): Promise<void> {
    const stream = `floor/${client}`;
    const event: StoredEvent = {
      _id: eventId(stream, version),
      stream,
      actorType: 'floor',
      actorId: client,
      version,
      partition: 0,
      type: 'MessageSent',
      data: { type: 'MessageSent', room: frame.room, text: frame.text },
      commandId: `${client}-${frame.id}`,
      at: Date.now(),
    };
    await appends.append([event]);
    const payload = JSON.stringify({ type: 'event', room: frame.room, text: frame.text });
    await js.publish(subject(frame.room), payload, { msgID: event._id });
  }

  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => {
    const client = `c${++serial}-${Math.random().toString(36).slice(2, 8)}`;
    let sent = 0;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; room: string; text: string; id: number };
      if (frame.type === 'join') {
        if (!rooms.has(frame.room)) rooms.set(frame.room, new Set());
        rooms.get(frame.room)!.add(ws);
        ws.send(JSON.stringify({ type: 'joined' }));
        return;
      }
      void relay(client, ++sent, frame).then(
        () => ws.send(JSON.stringify({ type: 'ack', id: frame.id })),
        (err: unknown) => ws.send(JSON.stringify({ type: 'failed', id: frame.id, reason: String(err) })),
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

  const consumer = await js.consumers.get(streamName, {
    filter_subjects: [subject('*')],
    deliver_policy: DeliverPolicy.New,
  });
  const messages: ConsumerMessages = await consumer.consume();
  const following = (async () => {
    for await (const msg of messages) {
      const room = msg.subject.slice(subject('').length);
      const frame = msg.string();
      for (const ws of rooms.get(room) ?? []) ws.send(frame);
    }
  })();

  return {
    port: (http.address() as AddressInfo).port,
    async close() {
      await messages.close();
      await following;
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.close();
      await nc.drain();
      await mongo.close();
    },
  };
}

/** Two durable-floor servers on the given NATS and store, and clients like the other workloads'. */
export async function durableFloorWorkload(natsUrl: string, mongoUrl: string): Promise<Workload> {
  const nc = await connectNats({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: streamName, subjects: [subject('>')] });
  const database = `bench_floor_${Date.now().toString(36)}`;
  const servers = [
    await startServer(natsUrl, mongoUrl, database),
    await startServer(natsUrl, mongoUrl, database),
  ];
  const sockets: WebSocket[] = [];
  return {
    async connect(r, m, onDeliver) {
      const ws = new WebSocket(`ws://127.0.0.1:${servers[(r + m) % 2]!.port}`);
      sockets.push(ws);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const acks = new Map<number, (failure?: string) => void>();
      let joined!: () => void;
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as {
          type: string;
          text: string;
          id: number;
          reason?: string;
        };
        if (frame.type === 'event') onDeliver(frame.text);
        else if (frame.type === 'ack') acks.get(frame.id)?.();
        else if (frame.type === 'failed') acks.get(frame.id)?.(frame.reason ?? 'failed');
        else if (frame.type === 'joined') joined();
      });
      const room = `room${r}`;
      await new Promise<void>((resolve) => {
        joined = resolve;
        ws.send(JSON.stringify({ type: 'join', room }));
      });
      let id = 0;
      return (text) =>
        new Promise<void>((resolve, reject) => {
          const mine = ++id;
          acks.set(mine, (failure) => {
            acks.delete(mine);
            if (failure) reject(new Error(`durable floor: ${failure}`));
            else resolve();
          });
          ws.send(JSON.stringify({ type: 'send', room, text, id: mine }));
        });
    },
    async close() {
      for (const ws of sockets) ws.close();
      await Promise.all(servers.map((s) => s.close()));
      await jsm.streams.delete(streamName);
      await nc.drain();
    },
  };
}
