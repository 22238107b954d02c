import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import type { Workload } from './workload.js';

/** The peer: two Socket.IO servers with the Redis adapter, in memory, no persistence. */
export async function socketIoWorkload(redisUrl: string): Promise<Workload> {
  const servers = await Promise.all(
    [0, 1].map(async () => {
      const http = createServer();
      const pub = new Redis(redisUrl);
      const sub = pub.duplicate();
      const io = new Server(http, { adapter: createAdapter(pub, sub) });
      io.on('connection', (socket) => {
        socket.on('join', async (room: string, ack: () => void) => {
          await socket.join(room);
          ack();
        });
        socket.on('message', (room: string, text: string, ack: () => void) => {
          io.to(room).emit('message', text);
          ack();
        });
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      return { io, http, pub, sub, port: (http.address() as AddressInfo).port };
    }),
  );
  const sockets: Socket[] = [];
  return {
    async connect(r, m, onDeliver) {
      const socket = connectSocketIo(`http://127.0.0.1:${servers[(r + m) % 2]!.port}`, {
        transports: ['websocket'],
      });
      sockets.push(socket);
      socket.on('message', (text: string) => onDeliver(text));
      await new Promise<void>((resolve) => socket.emit('join', `room${r}`, resolve));
      return (text) => new Promise<void>((resolve) => socket.emit('message', `room${r}`, text, resolve));
    },
    async close() {
      for (const s of sockets) s.close();
      for (const s of servers) {
        s.io.close();
        s.pub.disconnect();
        s.sub.disconnect();
      }
    },
  };
}
