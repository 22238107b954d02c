import { expect } from 'chai';
import { MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { statusOf } from '../sdk-failure.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

interface Found {
  room: string;
  seq: number;
  text: string;
}

describe('message search (services as processes; real NATS, FerretDB, Redis)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let ann: MetaChat;
  let cat: MetaChat;
  let shared: string;
  let catsOwn: string;

  const search = (who: MetaChat, q: string) =>
    who.api<{ messages: Found[] }>('GET', `/search?q=${encodeURIComponent(q)}`).then((r) => r.messages);

  before(async () => {
    platform = await startTestPlatform('search');
    [ann, cat] = [0, 1].map(() => new MetaChat({ baseUrl: platform.gateways[0]!.url })) as [
      MetaChat,
      MetaChat,
    ];
    await ann.register('search-ann@example.com', 'Ann', 'ann-password');
    await cat.register('search-cat@example.com', 'Cat', 'cat-password');
    shared = (await ann.createRoom('Hikers')).id;
    catsOwn = (await cat.createRoom('Cat only')).id;
    await ann.send(shared, 'Meet at the Ridge trail (north side) at 8');
    await ann.send(shared, 'Bring water');
    await cat.send(catsOwn, 'my secret ridge plan');
  });
  after(async () => {
    await platform?.stop();
  });

  it('finds only messages in the rooms of the one who searches', async () => {
    const found = await eventually('the ridge message to be found', async () => {
      const m = await search(ann, 'ridge');
      return m.length > 0 ? m : undefined;
    });
    expect(found.map((m) => [m.room, m.text])).to.deep.equal([
      [shared, 'Meet at the Ridge trail (north side) at 8'],
    ]);
    expect((await search(cat, 'ridge')).map((m) => m.room)).to.deep.equal([catsOwn]);
    expect(await search(ann, 'ridge water')).to.deep.equal([]); // every word must occur
  });

  it('takes regex characters literally and refuses empty or huge queries', async () => {
    expect((await search(ann, '(north')).map((m) => m.room)).to.deep.equal([shared]);
    expect(await search(ann, '.*')).to.deep.equal([]);
    expect(await search(ann, '[a-z]+')).to.deep.equal([]);
    expect(await statusOf(ann.api('GET', '/search?q='))).to.equal(400);
    expect(await statusOf(ann.api('GET', `/search?q=${'x'.repeat(201)}`))).to.equal(400);
    expect(await statusOf(ann.api('GET', '/search?q=a&q=b'))).to.equal(400);
    expect(await statusOf(ann.api('GET', '/search?q=ridge&limit=0'))).to.equal(400);
  });
});
