import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startTestEnv } from './index.js';
import { ServerStartError } from './process.js';
import { server } from './root-hooks.js';

/** The environment of the process whose command line names `binary` and `port`. */
function environOf(binary: string, port: number): Record<string, string> | undefined {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!args[0]?.endsWith(binary) || !args.some((a) => a.includes(String(port)))) continue;
      const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      return Object.fromEntries(
        pairs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

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

describe('test environment: the data-path Go servers', () => {
  it('runs nats-server and FerretDB with one Go scheduler thread each (ADR 0009)', () => {
    const expected = process.env.GOMAXPROCS ?? '1';
    for (const [binary, name] of [
      ['nats-server', 'nats'],
      ['ferretdb', 'mongo'],
    ] as const) {
      const environ = environOf(binary, server(name).port);
      expect(environ, `the test environment's ${binary} process`).to.not.equal(undefined);
      expect(environ!.GOMAXPROCS, binary).to.equal(expected);
    }
  });
});
