// A reverse proxy as its own process, in front of a gateway as an ingress
// controller would be: it appends the address it was reached from to
// X-Forwarded-For (after whatever the client sent). Prints `{"port": N}` once
// it listens; exits when its parent does (stdin closes).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyServer } from 'http-proxy-3';

const target = process.argv[2];
if (!target) throw new Error('usage: reverse-proxy-main.ts <target url>');
const proxy = createProxyServer({ target, xfwd: true, ws: true });
proxy.on('error', (_err, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502).end();
});
const server = createServer((req, res) => proxy.web(req, res));
server.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head));
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
