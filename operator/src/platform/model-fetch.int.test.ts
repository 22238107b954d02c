import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { fetchBounded, FetchRefused, type FetchPolicy } from './model-fetch.js';

// Real HTTP servers on loopback, as a model server (or an attacker's) would answer.
describe('model downloads: bounded, no redirects, no internal addresses', () => {
  let server: Server;
  let base: string;
  const secret = 'internal-secret-payload';
  const policy: FetchPolicy = { allowedNetworks: ['127.0.0.1/32'], maxBytes: 1024, timeoutMs: 5000 };

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/bundle') return res.end('x'.repeat(100));
      if (req.url === '/redirect') return res.writeHead(302, { location: '/bundle' }).end();
      if (req.url === '/missing') return res.writeHead(404).end(secret);
      if (req.url === '/endless') {
        // Chunked, no Content-Length: only counting the bytes read can stop it.
        res.writeHead(200);
        const timer = setInterval(() => res.write('y'.repeat(512)), 1);
        res.once('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.closeAllConnections?.() ?? server.close());

  const refusal = (url: string, p: FetchPolicy = policy) =>
    fetchBounded(url, p).then(
      () => expect.fail(`${url} was fetched`),
      (err: unknown) => {
        expect(err).to.be.instanceOf(FetchRefused);
        return (err as Error).message;
      },
    );

  it('downloads from an allowed address', async () => {
    expect((await fetchBounded(`${base}/bundle`, policy)).length).to.equal(100);
  });

  it('refuses loopback unless the operator allows it, by literal address and by name', async () => {
    const closed = { ...policy, allowedNetworks: [] };
    expect(await refusal(`${base}/bundle`, closed)).to.match(/127.0.0.1 is refused: .*loopback/);
    const port = new URL(base).port;
    expect(await refusal(`http://localhost:${port}/bundle`, closed)).to.match(/localhost is refused/);
  });

  it('follows no redirect', async () => {
    expect(await refusal(`${base}/redirect`)).to.match(/HTTP 302: redirects are not followed/);
  });

  it('stops reading a body without Content-Length at the size cap', async () => {
    expect(await refusal(`${base}/endless`)).to.equal('larger than 1024 bytes');
  });

  it('does not repeat what the server answered', async () => {
    const message = await refusal(`${base}/missing`);
    expect(message).to.equal('HTTP 404');
    expect(message).to.not.include(secret);
  });
});
