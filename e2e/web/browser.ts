import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Playwright from '../../web/node_modules/playwright-core/index.js';

// Debian's Chromium driven by playwright-core, which is a dependency of the
// web package (web/), not of the root: it is loaded from there.

const web = new URL('../../web/', import.meta.url);
const { chromium } = createRequire(new URL('package.json', web))('playwright-core') as typeof Playwright;

/** Where browser tests save their screenshots (gitignored). */
export const screenshotDir = fileURLToPath(new URL('screenshots/', web));
/** The built web app the gateway serves. */
export const webDist = fileURLToPath(new URL('dist/', web));

export function launchChromium(): Promise<Playwright.Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export type { Browser, BrowserContext, Page } from '../../web/node_modules/playwright-core/index.js';
