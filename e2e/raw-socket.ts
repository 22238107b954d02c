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
