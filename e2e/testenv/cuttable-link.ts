import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP link on loopback to a real server that a test can cut and restore,
 * as a network partition would: cutting destroys every open connection and
 * refuses new ones; restoring accepts again on the same port. Bytes pass
 * through untouched (TLS included), so the client talks to the real server.
 */
export class CuttableLink {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async open(target: { host: string; port: number }): Promise<CuttableLink> {
    const link = new CuttableLink(target.host, target.port);
    await link.restore();
    return link;
  }

  get port(): number {
    return this.#port;
  }

  async restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.cut();
  }
}
