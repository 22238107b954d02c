// A minimal service built on the kit, for the lifecycle tests: GET /work?ms=N
// answers after N milliseconds; shutdown waits for requests in flight.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.js';
import { InFlight } from '../in-flight.js';
import { commonSettings, runService } from '../service.js';

const config = loadConfig(commonSettings);

await runService({
  service: 'slow',
  ...config,
  async start({ log }) {
    const inFlight = new InFlight();
    const server = createServer((req, res) => {
      const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
      void inFlight.track(async () => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        res.end(JSON.stringify({ waited: ms }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    log.info('api listening', { port: (server.address() as AddressInfo).port });
    return {
      checks: [{ name: 'api', check: () => undefined }],
      async stop() {
        server.close();
        await inFlight.drained();
      },
    };
  },
});
