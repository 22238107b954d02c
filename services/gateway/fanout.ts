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
  /** Rooms chat confirmed this user a member of: only these are in the room's fan-out. */
  rooms: Map<string, RoomSubscription>;
  /** Rooms asked for and not yet confirmed: nothing of them reaches the client. */
  pending: Map<string, PendingSubscription>;
  alive: boolean;
  /** Users this user blocked: their messages reach this client without text. */
  blocked: Set<string>;
  /** The access token the socket opened with: each send checks its expiry; a revocation closes the socket (ADR 0008). */
  token: WatchedToken;
  /** Sends over this socket not yet answered. */
  sending: number;
  /** Unsent bytes beyond which the socket is closed as a slow reader. */
  maxBacklogBytes: number;
}

/** A confirmed subscription: where delivery is, and the room's sequence at which membership was confirmed. */
export interface RoomSubscription {
  cursor: RoomCursor;
  memberAt: number;
  /** A history page is being fetched for it. */
  fetching: boolean;
  /** History after the subscription point was delivered (told once with "caught-up"). */
  caughtUp: boolean;
}

/** A subscription waiting for chat's answer; `seen` is the highest live sequence that passed meanwhile. */
export interface PendingSubscription {
  after: number;
  seen: number;
}

/** What relays (presence, typing, receipts) need of the live hub: who is where, and a way to reach them. */
export interface Fanout {
  /** Clients subscribed to any of the rooms, each once. */
  clientsIn(rooms: Iterable<string>): Set<LiveClient>;
  send(client: LiveClient, message: unknown): void;
}

/** How long a peer closed for misbehaving has to answer the close frame before its connection is cut. */
const closeGraceMs = 1000;

/**
 * Closes a socket whose peer may not answer the closing handshake (it stopped
 * reading, or floods): the close frame goes out, and the connection is cut a
 * moment later instead of after ws's 30 s handshake wait, so what the socket
 * holds is freed at once.
 */
export function closeMisbehaving(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, reason);
  setTimeout(() => ws.terminate(), closeGraceMs).unref();
}

/** Close code of a socket whose client does not read what it is sent. */
export const slowReaderClose = { code: 4408, reason: 'slow_consumer' } as const;

/**
 * Sends a message (or its JSON text, serialised once for many clients) over
 * a live socket. A client whose unsent bytes pass its backlog limit is not
 * reading: it is closed rather than buffered for until the ping timeout.
 */
export function sendFrame(client: LiveClient, message: unknown): void {
  const { ws } = client;
  if (ws.readyState !== ws.OPEN) return;
  holdWritesThisTurn(ws);
  ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  if (ws.bufferedAmount > client.maxBacklogBytes)
    closeMisbehaving(ws, slowReaderClose.code, slowReaderClose.reason);
}

/** Resolves once the socket's unsent bytes are at most `bytes` (or it closed): history waits here for a slow reader. */
export async function drained(ws: WebSocket, bytes: number): Promise<void> {
  const socket = (ws as WebSocket & { _socket?: Duplex })._socket;
  while (socket && ws.readyState === ws.OPEN && ws.bufferedAmount > bytes) {
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done).off('close', done);
        resolve();
      };
      socket.on('drain', done).on('close', done);
    });
  }
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
