import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { WatchedToken } from './revocation-watch.js';
import type { RoomCursor } from './room-cursor.js';

/** One WebSocket connection of a signed-in user (one device). */
export interface LiveClient {
  ws: WebSocket;
  user: string;
  /** A random id per connection: presence counts a user's devices by it. */
  device: string;
  cursors: Map<string, RoomCursor>;
  /** Rooms whose membership the chat service confirmed (a history page came back). */
  confirmed: Set<string>;
  /** Rooms whose history after the subscription point was delivered (told once with "caught-up"). */
  caughtUp: Set<string>;
  fetching: Set<string>;
  alive: boolean;
  /** Users this user blocked: their messages reach this client without text. */
  blocked: Set<string>;
  /** The access token the socket opened with: each send checks its expiry; a revocation closes the socket (ADR 0008). */
  token: WatchedToken;
  /** Sends over this socket not yet answered. */
  sending: number;
}

/** What relays (presence, typing, receipts) need of the live hub: who is where, and a way to reach them. */
export interface Fanout {
  /** Clients subscribed to any of the rooms, each once. */
  clientsIn(rooms: Iterable<string>): Set<LiveClient>;
  send(client: LiveClient, message: unknown): void;
}

/** Sends a message (or its JSON text, serialised once for many clients) over a live socket. */
export function sendFrame(client: LiveClient, message: unknown): void {
  if (client.ws.readyState !== client.ws.OPEN) return;
  holdWritesThisTurn(client.ws);
  client.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
}

const held = new Set<Duplex>();

/**
 * Corks the socket under a WebSocket until this turn of the event loop ends,
 * so the frames a client gets from one batch of NATS messages leave in one
 * write (one system call), not one each. `ws` keeps its socket in `_socket`
 * (not public API): without it, frames simply go out one write each.
 */
function holdWritesThisTurn(ws: WebSocket): void {
  const socket = (ws as WebSocket & { _socket?: Duplex })._socket;
  if (!socket || held.has(socket)) return;
  if (held.size === 0) setImmediate(releaseHeldWrites);
  held.add(socket);
  socket.cork();
}

function releaseHeldWrites(): void {
  for (const socket of held) socket.uncork();
  held.clear();
}
