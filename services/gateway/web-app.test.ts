import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppPath, webRootSetting } from './web-app.js';

describe('the web app seam of the gateway', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'web-root-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('WEB_ROOT: a directory with an index.html is served, "-" turns the app off', () => {
    expect(webRootSetting.parse(dir)).to.equal(dir);
    expect(webRootSetting.parse('-')).to.equal(undefined);
  });

  it('WEB_ROOT: a path given explicitly without an app stops the start with a reason', () => {
    expect(() => webRootSetting.parse(join(dir, 'missing'))).to.throw(/directory with an index.html/);
  });

  it('leaves the API and the socket to their own routes', () => {
    expect(['/', '/rooms/r_1', '/diary', '/apiary', '/wsx'].map(isAppPath)).to.deep.equal([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['/api', '/api/v1/rooms', '/ws', '/ws/x'].map(isAppPath)).to.deep.equal([
      false,
      false,
      false,
      false,
    ]);
  });
});
