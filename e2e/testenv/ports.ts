import { createServer } from 'node:net';

// Ports are picked below the kernel's ephemeral range (32768+ by default), so
// an outgoing connection made between picking a port and a server binding it
// cannot take it (seen: etcd's peer port taken that way). Each is handed out
// once per process.
const range = { from: 20_000, to: 32_000 };
const handedOut = new Set<number>();

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago and that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = range.from + Math.floor(Math.random() * (range.to - range.from));
    if (handedOut.has(port) || !(await isFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`testenv: no free port found in ${range.from}-${range.to}`);
}
