import { expect } from 'chai';
import { createServer } from 'node:net';
import { startTestEnv } from './index.js';
import { ServerStartError } from './process.js';

describe('test environment: failures are reported clearly', () => {
  it('names the server and the reason in one line when it cannot start', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startTestEnv({
        servers: ['redis'],
        ports: { redis: port },
        timeoutMs: 10_000,
      }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).to.be.instanceOf(ServerStartError);
      const message = (error as Error).message;
      expect(message.split('\n')).to.have.length(1);
      expect(message).to.match(
        /^testenv: redis-server exited \(code 1\) before it was ready: .*in use.*\(log: .*redis.log\)$/i,
      );
    } finally {
      blocker.close();
    }
  });
});
