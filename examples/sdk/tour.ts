// The README's 60-second tour: with `make dev` running, `npx tsx examples/sdk/tour.ts`.
// Signs up, opens a room, follows it live, sends a message and asks for its mood.
import WebSocket from 'ws';
import { MetaChat } from '../../services/sdk/index.js';

const chat = new MetaChat({
  baseUrl: process.env.METACHAT_URL ?? 'http://127.0.0.1:18080',
  WebSocket: WebSocket as never, // Node 20 has no global WebSocket; browsers need no option
});
await chat.register(`ann-${Date.now()}@example.com`, 'Ann', 'correct horse battery');
const { id: room } = await chat.createRoom('Book club');

const live = chat.events({ [room]: 0 }); // every event after sequence 0, then live
const { seq } = await chat.send(room, 'Finally finished the book, so happy!');
for await (const { seq: at, event } of live) {
  console.log(`#${at} ${event.type}`, event.text ?? '');
  if (at === seq) break;
}
live.close();

const mood = await chat.api('POST', '/mood/analyze', { text: 'Finally finished the book, so happy!' });
console.log(JSON.stringify(mood));
