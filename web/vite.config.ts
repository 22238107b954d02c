import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const sdk = fileURLToPath(new URL('../services/sdk/index.ts', import.meta.url));
// `vite dev` proxies the API and the socket to `make dev`'s gateway (or GATEWAY_URL).
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:18080';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@metachat/sdk': sdk } },
  server: {
    fs: { allow: ['..'] },
    proxy: { '/api': gateway, '/ws': { target: gateway, ws: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['src/test-setup.ts'],
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
  },
});
