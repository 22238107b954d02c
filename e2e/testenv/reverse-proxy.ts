import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A reverse proxy process (http-proxy-3, adding X-Forwarded-For) in front of `target`. */
export async function startReverseProxy(target: string): Promise<{ url: string; stop(): Promise<void> }> {
  const main = fileURLToPath(new URL('./reverse-proxy-main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, target], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the reverse proxy exited (code ${String(code)}) before it listened`);
    }),
  ])) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
