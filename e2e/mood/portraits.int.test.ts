import { expect } from 'chai';
import { WebSocket } from 'ws';
import { MetaChat } from '../../services/sdk/index.js';
import type { Portrait, TimelinePoint } from '../../services/portrait/portrait-store.js';
import type { Match } from '../../services/matching/matching-service.js';
import { statusOf } from '../sdk-failure.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

interface Entry {
  id: string;
  title: string;
  text: string;
  tags: string[];
  mood: number | null;
  at: number;
}

const happyHikes = [
  'What a wonderful hike today, I love the mountains and feel so happy!',
  'Great morning on the trail, the view was beautiful and I am grateful.',
  'Such a joyful walk by the lake, I feel amazing and full of energy.',
];
const sadNights = [
  'I feel so lonely and sad tonight, everything is hopeless.',
  'Terrible day at work, I am exhausted and miserable.',
  'I am afraid and anxious about tomorrow, I cannot sleep.',
];

describe('diary, portraits and matching end to end (services as processes; real NATS, FerretDB, Redis)', function () {
  this.timeout(180_000);
  let platform: Platform;
  const users: Record<string, MetaChat> = {};
  const ids: Record<string, string> = {};

  const write = (who: string, text: string, tags: string[], extra: object = {}) =>
    users[who]!.api<{ id: string }>('POST', '/diary/entries', { text, tags, ...extra });
  const entries = (who: string, query = '') =>
    users[who]!.api<{ entries: Entry[] }>('GET', `/diary/entries${query}`).then((r) => r.entries);
  const portrait = (who: string) => users[who]!.api<Portrait>('GET', '/me/portrait');

  before(async () => {
    // As deployed: each service its own NATS user, allowed only its subjects.
    platform = await startTestPlatform('portraits', { moodLayer: true, natsUsers: true });
    for (const name of ['ann', 'bob', 'cat', 'dan']) {
      users[name] = new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
      ids[name] = (await users[name].register(`${name}-portrait@example.com`, name, `${name}-password`)).id;
    }
  });
  after(async () => {
    await platform?.stop();
  });

  it('keeps a diary: write, list by date and tag, search text literally, edit, delete', async () => {
    const first = await write('ann', 'Climbed the north ridge (finally) at dawn.', ['Hiking', 'mountains'], {
      title: 'Ridge',
      mood: 2,
    });
    const second = await write('ann', 'Quiet evening with a book.', ['reading']);
    const listed = await eventually('both entries listed', async () => {
      const list = await entries('ann');
      return list.length === 2 ? list : undefined;
    });
    expect(listed.map((e) => e.id)).to.deep.equal([second.id, first.id]); // newest first
    expect(listed[1]).to.deep.include({ title: 'Ridge', tags: ['hiking', 'mountains'], mood: 2 });

    expect((await entries('ann', '?tag=hiking')).map((e) => e.id)).to.deep.equal([first.id]);
    expect((await entries('ann', '?q=RIDGE%20dawn')).map((e) => e.id)).to.deep.equal([first.id]);
    expect(await entries('ann', '?q=.*')).to.deep.equal([]); // regex metacharacters are literal
    expect((await entries('ann', '?q=(finally)')).map((e) => e.id)).to.deep.equal([first.id]);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(await entries('ann', `?from=${tomorrow}`)).to.deep.equal([]);
    expect(await entries('ann', `?to=${tomorrow}`)).to.have.length(2);
    // A date is a whole day (UTC), as `from` and as `to`; an instant as `to` is exclusive.
    const today = new Date(listed[0]!.at).toISOString().slice(0, 10);
    const yesterday = new Date(listed[1]!.at - 86_400_000).toISOString().slice(0, 10);
    expect(await entries('ann', `?from=${today}&to=${today}`)).to.have.length(2);
    expect(await entries('ann', `?to=${yesterday}`)).to.deep.equal([]);
    const secondAt = new Date(listed[0]!.at).toISOString();
    expect((await entries('ann', `?to=${secondAt}`)).map((e) => e.id)).not.to.include(second.id);
    expect((await entries('ann', `?from=${secondAt}`)).map((e) => e.id)).to.include(second.id);
    expect(await statusOf(users.ann!.api('GET', '/diary/entries?to=2026-02-30'))).to.equal(400);
    expect(await entries('bob')).to.deep.equal([]); // a diary is its owner's only

    await users.ann!.api('PATCH', `/diary/entries/${second.id}`, { text: 'Quiet evening with a novel.' });
    await eventually('the edit to show', async () =>
      (await entries('ann', '?q=novel')).some((e) => e.id === second.id),
    );
    await users.ann!.api('DELETE', `/diary/entries/${second.id}`);
    await eventually('the deleted entry to go', async () => (await entries('ann')).length === 1);
    expect(await statusOf(users.ann!.api('PATCH', `/diary/entries/${second.id}`, { text: 'x' }))).to.equal(
      404,
    );
    expect(await statusOf(users.bob!.api('DELETE', `/diary/entries/${first.id}`))).to.equal(404);
  });

  it('answers bad diary input with a 4xx in the error format', async () => {
    const bad: unknown[] = [
      {},
      { text: '' },
      { text: 'x'.repeat(20_001) },
      { text: { $gt: '' } },
      { text: 'ok', tags: ['no spaces allowed'] },
      { text: 'ok', tags: 'hiking' },
      { text: 'ok', mood: 5 },
      { text: 'ok', extra: true },
      { text: 'ok', clientId: '../../etc' },
    ];
    for (const body of bad)
      expect(
        await statusOf(users.ann!.api('POST', '/diary/entries', body)),
        JSON.stringify(body).slice(0, 60),
      ).to.be.within(400, 413);
    for (const query of [
      '?from=yesterday',
      '?limit=0',
      '?limit=abc',
      '?tag=a%20b',
      `?q=${'x'.repeat(201)}`,
      '?tag=a&tag=b',
    ])
      expect(await statusOf(entries('ann', query)), query).to.equal(400);
    expect(await statusOf(users.ann!.api('PATCH', '/diary/entries/not-an-id', { text: 'x' }))).to.equal(404);
    expect(await statusOf(users.ann!.api('PATCH', '/diary/entries/e_abc', {}))).to.equal(400);
  });

  it('updates a portrait within seconds of diary entries and chat messages', async () => {
    for (const text of happyHikes) await write('ann', text, ['hiking', 'outdoors']);
    const room = (await users.ann!.createRoom('Ann and friends')).id;
    await users.ann!.send(room, 'I am so happy to see you all, this is wonderful!');
    const p = await eventually(
      // The ridge entry, three hikes and the message; the entry deleted above was taken out again.
      "ann's portrait to count 5 items",
      async () => {
        const now = await portrait('ann');
        return now.mood.count === 5 ? now : undefined;
      },
      20_000,
    );
    expect(p.mood.valenceMean).to.be.above(0.3);
    expect(p.mood.emotions.joy).to.be.above(p.mood.emotions.sadness!);
    expect(p.interests.tags.map((t) => t.tag)).to.include.members(['hiking', 'outdoors']);
    expect(p.interests.rooms.map((r) => r.room)).to.deep.equal([room]);
    const { points } = await users.ann!.api<{ points: TimelinePoint[] }>(
      'GET',
      '/me/portrait/timeline?period=day',
    );
    expect(points).to.have.length(1);
    expect(points[0]).to.deep.include({ start: new Date().toISOString().slice(0, 10), count: 5 });
    const weeks = await users.ann!.api<{ points: TimelinePoint[] }>(
      'GET',
      '/me/portrait/timeline?period=week',
    );
    expect(weeks.points[0]!.count).to.equal(5);
    expect(await statusOf(users.ann!.api('GET', '/me/portrait/timeline?period=year'))).to.equal(400);
  });

  it('matches similar people who opted in, explains why, and never shows those who did not', async () => {
    for (const text of happyHikes) await write('bob', text, ['hiking', 'travel']);
    for (const text of happyHikes) await write('dan', text, ['hiking', 'outdoors']);
    for (const text of sadNights) await write('cat', text, ['work', 'sleep']);
    await eventually(
      'every portrait to count its entries',
      async () => {
        const counts = await Promise.all(
          ['bob', 'cat', 'dan'].map(async (who) => (await portrait(who)).mood.count),
        );
        return counts.every((n) => n === 3);
      },
      20_000,
    );
    expect(await statusOf(users.ann!.api('GET', '/me/matches'))).to.equal(403); // not opted in yet
    for (const who of ['ann', 'bob', 'cat']) await users[who]!.api('PUT', '/me/matching', { optIn: true });
    expect(await statusOf(users.ann!.api('PUT', '/me/matching', { optIn: 'yes' }))).to.equal(400);

    const { matches } = await users.ann!.api<{ matches: Match[] }>('GET', '/me/matches');
    expect(matches.map((m) => m.user)).to.deep.equal([ids.bob, ids.cat]);
    expect(
      matches.map((m) => m.displayName),
      'matches are named as people chose',
    ).to.deep.equal(['bob', 'cat']);
    const { people } = await users.ann!.people([ids.bob!, 'u_nobody']);
    expect(people).to.deep.equal([{ id: ids.bob, displayName: 'bob' }]);
    expect(matches[0]!.similarity).to.be.above(matches[1]!.similarity);
    expect(matches[0]!.reasons.map((r) => r.text)).to.include('shared interests: hiking');
    expect(matches[0]!.reasons.some((r) => r.kind === 'mood')).to.equal(true);
    expect(matches.map((m) => m.user)).to.not.include(ids.dan); // the closest of all, but never asked

    await users.bob!.api('PUT', '/me/matching', { optIn: false });
    const after = await users.ann!.api<{ matches: Match[] }>('GET', '/me/matches');
    expect(after.matches.map((m) => m.user)).to.deep.equal([ids.cat]);
    await users.bob!.api('PUT', '/me/matching', { optIn: true });
  });

  it('recommends public rooms that similar people feel good in, with the reason', async () => {
    const trail = (await users.bob!.createRoom('Trailheads', { visibility: 'public' })).id;
    const secret = (await users.bob!.createRoom('Bob private', { visibility: 'private' })).id;
    await users.bob!.send(trail, 'This group is wonderful, I love planning hikes with you!');
    await users.bob!.send(secret, 'I love this quiet place, so happy here.');
    const { rooms } = await eventually(
      'a recommendation of the public room',
      async () => {
        const r = await users.ann!.api<{
          rooms: { room: string; name: string; reasons: { text: string }[] }[];
        }>('GET', '/me/recommendations');
        return r.rooms.some((x) => x.room === trail) ? r : undefined;
      },
      20_000,
    );
    expect(rooms.map((r) => r.room)).to.not.include(secret);
    const recommended = rooms.find((r) => r.room === trail)!;
    expect(recommended.name).to.equal('Trailheads');
    expect(recommended.reasons[0]!.text).to.match(/1 person with a mood pattern like yours feels good here/);
  });

  it('shares entries without their author and recommends those similar people found helpful', async () => {
    interface Shared {
      id: string;
      text: string;
      helpful: number;
      markedByMe: boolean;
    }
    type Recommended = { entries: { entry: string; title: string; reasons: { text: string }[] }[] };
    const coping = await write('cat', 'Small things that help me sleep after a hard day.', ['sleep'], {
      title: 'Coping',
      shared: true,
    });
    const bobs = await write('bob', 'Packing list for a first long hike.', ['hiking'], { shared: true });
    const annOwn = await write('ann', 'My favourite trail, shared.', ['hiking'], { shared: true });
    const secret = await write('cat', 'Not for anyone else.', ['sleep']);
    const shared = await eventually('the shared entry to be readable', async () =>
      users.ann!.api<Shared>('GET', `/diary/shared/${coping.id}`).catch(() => undefined),
    );
    expect(shared).to.deep.include({ text: 'Small things that help me sleep after a hard day.', helpful: 0 });
    expect(shared).to.not.have.property('user'); // shared without its author
    await eventually('the private entry to be written', async () =>
      (await entries('cat')).some((e) => e.id === secret.id),
    );
    expect(await statusOf(users.ann!.api('GET', `/diary/shared/${secret.id}`))).to.equal(404);
    expect(
      await statusOf(users.bob!.api('PUT', `/diary/shared/${secret.id}/helpful`, { helpful: true })),
    ).to.equal(404);
    expect(
      await statusOf(users.cat!.api('PUT', `/diary/shared/${coping.id}/helpful`, { helpful: true })),
    ).to.equal(409); // not one's own
    expect(
      await statusOf(users.bob!.api('PUT', `/diary/shared/${coping.id}/helpful`, { helpful: 'yes' })),
    ).to.equal(400);
    expect(
      await statusOf(users.bob!.api('PUT', '/diary/shared/not-an-id/helpful', { helpful: true })),
    ).to.equal(404);

    // Bob (opted in, like Ann) finds Cat's entry helpful, twice: it counts once.
    for (let i = 0; i < 2; i++)
      expect(
        await users.bob!.api<{ helpful: number }>('PUT', `/diary/shared/${coping.id}/helpful`, {
          helpful: true,
        }),
      ).to.deep.equal({ helpful: 1 });
    await users.bob!.api('PUT', `/diary/shared/${annOwn.id}/helpful`, { helpful: true }); // Ann's own: never shown to her
    await eventually('bob’s entry to be shared', async () =>
      users.dan!.api('GET', `/diary/shared/${bobs.id}`).then(
        () => true,
        () => false,
      ),
    );
    await users.dan!.api('PUT', `/diary/shared/${bobs.id}/helpful`, { helpful: true }); // Dan never opted in

    const { entries: recommended } = await users.ann!.api<Recommended>('GET', '/me/recommendations');
    expect(recommended.map((e) => e.entry)).to.deep.equal([coping.id]);
    expect(recommended[0]!.title).to.equal('Coping');
    expect(recommended[0]!.reasons[0]!.text).to.equal(
      '1 person with a mood pattern like yours found this helpful',
    );

    // Once Ann marks it herself it is no longer news to her; unsharing takes it from everyone.
    await users.ann!.api('PUT', `/diary/shared/${coping.id}/helpful`, { helpful: true });
    expect((await users.ann!.api<Recommended>('GET', '/me/recommendations')).entries).to.deep.equal([]);
    expect(await users.ann!.api<Shared>('GET', `/diary/shared/${coping.id}`)).to.deep.include({
      helpful: 2,
      markedByMe: true,
    });
    await users.cat!.api('PATCH', `/diary/entries/${coping.id}`, { shared: false });
    await eventually('the unshared entry to be gone', async () =>
      users.bob!.api('GET', `/diary/shared/${coping.id}`).then(
        () => false,
        () => true,
      ),
    );
  });
});
