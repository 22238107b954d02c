import { expect } from 'chai';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { server } from '../testenv/root-hooks.js';

describe('test environment: redis-server', () => {
  let redis: Redis;
  before(() => {
    redis = new Redis(server('redis').url);
  });
  after(() => redis?.quit());

  it('is a real Redis whose keys expire by TTL', async () => {
    expect((await redis.info('server')).match(/redis_version:(\d+)/)?.[1]).to.match(/^[6-9]$/);
    await redis.set('presence:device-1', 'online', 'PX', 300);
    expect(await redis.get('presence:device-1')).to.equal('online');
    expect(await redis.pttl('presence:device-1')).to.be.within(1, 300);
    await sleep(450);
    expect(await redis.get('presence:device-1')).to.equal(null);
    expect(await redis.exists('presence:device-1')).to.equal(0);
  });
});
