import express, { type RequestHandler, type Router } from 'express';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Setting } from '../kit/config.js';

// The browser app (web/dist, built by `make web`) served at `/` next to the API.

const defaultWebRoot = 'web/dist';

const holdsApp = (dir: string) => existsSync(join(dir, 'index.html')) && statSync(dir).isDirectory();

/**
 * Where the built web app is: served when that directory holds an index.html.
 * The default (web/dist under the working directory) may be absent — no app
 * then; a path given explicitly must hold one, or the gateway does not start.
 * "-" turns the app off.
 */
export const webRootSetting: Setting<string | undefined> = {
  env: 'WEB_ROOT',
  parse(raw) {
    const value = raw?.trim();
    if (value === '-') return undefined;
    if (!value) return holdsApp(resolve(defaultWebRoot)) ? resolve(defaultWebRoot) : undefined;
    const dir = resolve(value);
    if (!holdsApp(dir)) throw new Error(`must be a directory with an index.html (got "${value}")`);
    return dir;
  },
};

/** The web app's pages may load their own scripts, styles and images and talk to this origin (HTTP and WebSocket). */
const appPolicy = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** True for paths the app's client-side router owns: everything but the API and the socket. */
export const isAppPath = (path: string) => !/^\/(api|ws)(\/|$)/.test(path);

const appHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('Content-Security-Policy', appPolicy);
  // Hashed file names never change content; everything else (index.html, sw.js) is checked each time.
  res.setHeader(
    'Cache-Control',
    req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
  next();
};

/** Static files of the app, and index.html for any other GET of an app path (client-side routes). */
export function webApp(root: string): Router {
  const router = express.Router();
  router.use((req, res, next) => (isAppPath(req.path) ? appHeaders(req, res, next) : next()));
  router.use(express.static(root, { index: 'index.html', fallthrough: true, cacheControl: false }));
  router.get(/.*/, (req, res, next) => {
    if (!isAppPath(req.path) || !req.accepts('html')) return next();
    res.sendFile(join(root, 'index.html'));
  });
  return router;
}
