import { expect } from 'chai';
import { devSettings } from './dev-settings.js';

describe('make dev settings', () => {
  it('listens on fixed ports away from the servers’ usual ones by default', () => {
    const s = devSettings({});
    expect(s).to.include({
      gateway: 18080,
      kube: 16443,
      mongo: 27018,
      nats: 14222,
      redis: 16379,
      dir: '.dev',
    });
  });

  it('moves every port and the data directory with one base port', () => {
    const s = devSettings({ METACHAT_DEV_BASE_PORT: '30000' });
    expect(s).to.include({
      gateway: 30000,
      kube: 30001,
      mongo: 30002,
      nats: 30003,
      redis: 30004,
      dir: '.dev-30000',
    });
    const all = Object.entries(s)
      .filter(([k]) => k !== 'dir')
      .map(([, v]) => v);
    expect(new Set(all).size, 'no two share a port').to.equal(all.length);
    expect(Math.max(...(all as number[]))).to.be.below(30020);
  });

  it('lets a per-server variable win over the base', () => {
    const s = devSettings({
      METACHAT_DEV_BASE_PORT: '30000',
      METACHAT_DEV_NATS_PORT: '4333',
      METACHAT_DEV_DIR: '/tmp/d',
    });
    expect(s).to.include({ nats: 4333, redis: 30004, dir: '/tmp/d' });
  });

  it('refuses a base that leaves no room for every port', () => {
    expect(() => devSettings({ METACHAT_DEV_BASE_PORT: '65530' })).to.throw(
      /METACHAT_DEV_BASE_PORT must be at most/,
    );
    expect(() => devSettings({ METACHAT_DEV_BASE_PORT: '80' })).to.throw(/at least 1024/);
  });
});
