import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { liveSocketUrl } from '../services/sdk/index.js';

/** The live socket opened without the SDK, for frames no SDK would send: every frame it answers, parsed. */
export async function rawSocket(
  gatewayUrl: string,
  token: string,
): Promise<{ ws: WebSocket; replies: Record<string, unknown>[] }> {
  const ws = new WebSocket(liveSocketUrl(gatewayUrl, token));
  await new Promise((resolve) => ws.once('open', resolve));
  const replies: Record<string, unknown>[] = [];
  ws.on('message', (data) => replies.push(JSON.parse(String(data)) as Record<string, unknown>));
  return { ws, replies };
}

/** The close code and reason a socket will end with (listen before causing the close). */
export function closeOf(ws: WebSocket): Promise<[number, string]> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve([code, String(reason)])));
}

/**
 * The live socket spoken byte by byte over TCP, for what a WebSocket library
 * hides: `early` frames go out in the same write as the upgrade request (so
 * they arrive while the token is checked), and the test can stop reading
 * (`socket.pause()`) to play a slow client. Server frames are parsed as they
 * are read: texts into `replies`, the close frame into `closed`.
 */
export async function tcpSocket(
  gatewayUrl: string,
  token: string,
  early: string[] = [],
): Promise<{
  socket: Socket;
  replies: Record<string, unknown>[];
  send(text: string): void;
  closed: Promise<[number, string]>;
}> {
  const { hostname, port } = new URL(gatewayUrl);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  const upgrade = [
    `GET /ws?access_token=${encodeURIComponent(token)} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    '',
    '',
  ].join('\r\n');
  socket.write(Buffer.concat([Buffer.from(upgrade), ...early.map(clientFrame)]));
  const replies: Record<string, unknown>[] = [];
  let resolveClose!: (close: [number, string]) => void;
  const closed = new Promise<[number, string]>((resolve) => (resolveClose = resolve));
  socket.on('close', () => resolveClose([1006, '']));
  let buffer = Buffer.alloc(0);
  let upgraded = false;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!upgraded) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      upgraded = true;
      buffer = buffer.subarray(end + 4);
    }
    for (let frame = serverFrame(buffer); frame; frame = serverFrame(buffer)) {
      buffer = buffer.subarray(frame.length);
      if (frame.opcode === 1) replies.push(JSON.parse(frame.payload.toString()) as Record<string, unknown>);
      if (frame.opcode === 8) {
        resolveClose([frame.payload.readUInt16BE(0), frame.payload.subarray(2).toString()]);
        socket.end();
      }
    }
  });
  return { socket, replies, send: (text) => socket.write(clientFrame(text)), closed };
}

/** A masked text frame, as clients must send them. */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.from([0x81]), length, mask, payload.map((b, i) => b ^ mask[i % 4]!)]);
}

/** The first whole (unmasked, unfragmented) server frame in `data`, if it holds one. */
function serverFrame(data: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  if (data.length < offset + length) return undefined;
  return {
    opcode: data[0]! & 0x0f,
    payload: data.subarray(offset, offset + length),
    length: offset + length,
  };
}
