import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { launchChromium, screenshotDir, webDist, type Browser, type Page } from './browser.js';

// Two people use the web app as the gateway serves it, in two browser
// contexts (two devices): they sign up, meet in a room and chat live; one
// writes in the diary and looks at the mood page.

describe('the web app in Chromium (services as processes; real NATS, FerretDB, Redis)', function () {
  this.timeout(240_000);
  let platform: Platform;
  let browser: Browser;
  let base: string;
  let ann: Page;
  let bob: Page;
  let room: string;

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');

  async function signUp(page: Page, name: string, email: string, screenshot?: string) {
    await page.goto(`${base}/`);
    // Not signed in: the app sends a visitor to sign in, who follows the link to sign up.
    await page.getByRole('link', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    if (screenshot) await shot(page, screenshot);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Your rooms' }).waitFor();
  }

  before(async () => {
    expect(existsSync(join(webDist, 'index.html')), 'web/dist is built (make web)').to.equal(true);
    platform = await startTestPlatform('web', { moodLayer: true, env: { WEB_ROOT: webDist } });
    base = platform.gateways[0]!.url;
    browser = await launchChromium();
    const device = () => browser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 720 } });
    ann = await (await device()).newPage();
    bob = await (await device()).newPage();
    if (process.env.DEBUG_WEB)
      for (const [who, page] of [
        ['ann', ann],
        ['bob', bob],
      ] as const) {
        page.on('console', (m) => console.log(who, 'console', m.text()));
        page.on('pageerror', (e) => console.log(who, 'page error', e.stack));
        page.on('crash', () => console.log(who, 'crashed'));
        page.on('response', (r) => r.status() >= 400 && console.log(who, r.status(), r.url()));
        page.on('websocket', (ws) =>
          ws.on('close', () => console.log(who, 'ws closed', ws.url().slice(0, 40))),
        );
      }
  });
  afterEach(async function () {
    // A failure leaves what each person saw.
    if (this.currentTest?.state !== 'failed') return;
    const name = this.currentTest.title.replace(/\W+/g, '-').slice(0, 40);
    await Promise.all([shot(ann, `failed-${name}-ann`), shot(bob, `failed-${name}-bob`)]);
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('serves the app at / and its client-side routes, and keeps the API and its errors apart', async () => {
    const page = await fetch(`${base}/rooms/r_anything`, { headers: { accept: 'text/html' } });
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('<div id="root">');
    const api = await fetch(`${base}/api/v1/no-such-route`);
    expect([api.status, ((await api.json()) as { error: string }).error]).to.deep.equal([404, 'not_found']);
  });

  it('two people sign up, meet in a room and see each other’s messages live, once each', async () => {
    await signUp(ann, 'Ann', 'web-ann@example.com', 'sign-up');
    await signUp(bob, 'Bob', 'web-bob@example.com');

    await ann.getByLabel('Room name').fill('Book club');
    await ann.getByRole('button', { name: 'Create', exact: true }).click();
    await ann.getByRole('heading', { name: 'Book club' }).waitFor();
    room = new URL(ann.url()).pathname;
    expect(room).to.match(/^\/rooms\/[\w-]+$/);

    // Bob opens the link Ann shared: not a member yet, he joins.
    await bob.goto(`${base}${room}`);
    await bob.getByRole('button', { name: 'Join this room' }).click();
    await bob.getByRole('textbox', { name: 'Message' }).waitFor();
    await Promise.all([ann, bob].map((p) => p.getByRole('status').filter({ hasText: 'live' }).waitFor()));

    await ann.getByRole('textbox', { name: 'Message' }).fill('Hello Bob, which book first?');
    await ann.getByRole('textbox', { name: 'Message' }).press('Enter');
    await bob.getByText('Hello Bob, which book first?').waitFor();
    await bob.getByRole('textbox', { name: 'Message' }).fill('Hi Ann! The Hobbit.');
    await bob.getByRole('button', { name: 'Send' }).click();
    await ann.getByText('Hi Ann! The Hobbit.').waitFor();

    for (const page of [ann, bob]) {
      await page.getByText('sending…').waitFor({ state: 'detached' });
      expect(await messages(page).allInnerTexts()).to.have.length(2);
    }
    const authors = (await messages(ann).allInnerTexts()).map((t) => t.split('\n')[0]);
    expect(authors[0]).to.equal('You');
    expect(authors[1]).to.not.equal('You');
    await shot(ann, 'room');
  });

  it('keeps the session across a reload and shows the room’s history', async () => {
    await ann.reload();
    await ann.getByText('Hi Ann! The Hobbit.').waitFor();
    expect(await messages(ann).count()).to.equal(2);
    await ann.getByRole('link', { name: 'All rooms' }).click();
    await ann.getByRole('link', { name: /Book club/ }).waitFor();
    await shot(ann, 'rooms');
  });

  it('writes a diary entry that appears in the list, and shows mood by day', async () => {
    await ann.getByRole('link', { name: 'Diary' }).click();
    await ann.getByLabel('Title (optional)').fill('Sea walk');
    await ann.getByLabel('What happened, how do you feel?').fill('A long happy walk by the sea. I loved it.');
    await ann.getByLabel('Tags (comma-separated)').fill('walks, Sea');
    await ann.getByRole('combobox', { name: /^How do you feel/ }).selectOption('2');
    await ann.getByRole('button', { name: 'Save entry' }).click();
    const entry = ann
      .getByRole('list', { name: 'Your entries' })
      .getByRole('listitem')
      .filter({ hasText: 'Sea walk' });
    await entry.waitFor();
    expect(await entry.innerText())
      .to.contain('A long happy walk by the sea.')
      .and.contain('#sea');
    await shot(ann, 'diary');

    await ann.getByRole('link', { name: 'Mood' }).click();
    await ann.getByRole('heading', { name: 'Mood over time' }).waitFor();
    // The portrait follows the mood of what was written a moment later: look again until it is there.
    for (let attempt = 0; !(await ann.getByRole('table').isVisible()); attempt++) {
      expect(attempt, 'the mood of the entry reaches the timeline').to.be.below(60);
      await ann.waitForTimeout(500);
      await ann.reload();
      await ann.getByRole('heading', { name: 'Mood over time' }).waitFor();
    }
    await ann.getByRole('img', { name: 'Mood by day' }).waitFor();
    const row = await ann.getByRole('table').getByRole('row').nth(1).innerText();
    expect(Number(row.split('\t').at(-1))).to.be.above(0);
    await shot(ann, 'mood');
  });

  it('signs out to the sign-in page, and a reload stays signed out', async () => {
    await ann.getByRole('button', { name: 'Sign out' }).click();
    await ann.getByRole('heading', { name: 'Sign in' }).waitFor();
    await ann.reload();
    await ann.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
