import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { WebSocket } from 'ws';
import { streams, subjects } from '../../services/actors/topology.js';
import { moodStream, moodSubjects } from '../../services/mood/subjects.js';
import { PresenceStore } from '../../services/presence/presence-store.js';
import { MetaChat, mention, type MetaChatError } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { closeOf, rawSocket } from '../raw-socket.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';
import { server } from '../testenv/root-hooks.js';

/** Every message body on a subject of a stream, as text. */
async function streamBodies(nc: NatsConnection, stream: string, subject: string): Promise<string[]> {
  const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: [subject] });
  const bodies: string[] = [];
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
    let seen = 0;
    for await (const msg of batch) {
      seen++;
      bodies.push(msg.string());
    }
    if (seen === 0) return bodies;
  }
}

/** Every message a stream still stores, read by sequence (work-queue streams take no reading consumer). */
async function storedBodies(jsm: JetStreamManager, stream: string): Promise<string[]> {
  const { state } = await jsm.streams.info(stream);
  const bodies: string[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null); // deleted: a gap
    if (msg) bodies.push(msg.string());
  }
  return bodies;
}

describe('account export and deletion end to end (every service as a process)', function () {
  this.timeout(180_000);
  let nc: NatsConnection;
  let mongo: MongoClient;
  let platform: Platform;
  let ann: MetaChat;
  let bob: MetaChat;
  let annId: string;
  let bobId: string;
  let room: string;
  let dm: string;
  let exported: Record<string, unknown>;
  const secret = 'Ann’s secret plan about the lighthouse';

  before(async () => {
    platform = await startTestPlatform('account', {
      moodLayer: true,
      notifications: true,
    });
    nc = await connect({ servers: platform.natsUrl });
    mongo = await MongoClient.connect(server('mongo').url);
    [ann, bob] = [0, 1].map(
      () => new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never }),
    ) as [MetaChat, MetaChat];
    annId = (await ann.register('delete-ann@example.com', 'Ann', 'ann-password')).id;
    bobId = (await bob.register('delete-bob@example.com', 'Bob', 'bob-password')).id;
    room = (await bob.createRoom('Harbour', { members: [annId] })).id;
    await ann.acceptInvitation(room);
    dm = (await bob.openDirect(annId)).id;
  });
  after(async () => {
    await nc?.close();
    await mongo?.close();
    await platform?.stop();
  });

  it('exports everything a user has, before deletion', async () => {
    await ann.api('POST', '/diary/entries', {
      title: 'Plans',
      text: `${secret}, written down`,
      tags: ['sea'],
    });
    const { seq } = await ann.send(room, secret);
    await ann.edit(room, seq, `${secret} (edited)`);
    await ann.send(dm, `${secret}, only for Bob`);
    await bob.send(room, `${mention(annId)} tell me more`);
    await ann.api('PUT', '/me/matching', { optIn: true });
    const someone = new MetaChat({ baseUrl: platform.gateways[0]!.url });
    const someoneId = (await someone.register('delete-someone@example.com', 'Someone', 'some-password')).id;
    await ann.api('PUT', `/me/blocks/${someoneId}`);
    await eventually('the portrait to count the diary entry and messages', async () => {
      const p = await ann.api<{ mood: { count: number } }>('GET', '/me/portrait');
      return p.mood.count >= 3;
    });
    await eventually(
      'the mention notified',
      async () => (await ann.notifications()).notifications.length > 0,
    );

    exported = await ann.exportAccount();
    expect(exported).to.include({ format: 'metachat-export/v1' });
    expect(exported.profile).to.include({ id: annId, email: 'delete-ann@example.com', displayName: 'Ann' });
    expect(exported.blocked).to.have.length(1);
    expect((exported.rooms as { id: string }[]).map((r) => r.id)).to.have.members([room, dm]);
    const texts = (exported.messages as { text: string }[]).map((m) => m.text);
    expect(texts).to.have.members([`${secret} (edited)`, `${secret}, only for Bob`]);
    expect((exported.diary as { text: string }[])[0]!.text).to.equal(`${secret}, written down`);
    expect((exported.portrait as { mood: { count: number } }).mood.count).to.be.at.least(3);
    expect(exported.matching).to.include({ optIn: true });
    expect((exported.notifications as { from: string }[])[0]).to.include({ from: bobId });
  });

  it('refuses deletion without the right password, and changes nothing', async () => {
    const wrong = await ann.deleteAccount('not-the-password').catch((e: unknown) => e as MetaChatError);
    expect(wrong).to.deep.include({ error: 'wrong_password', status: 403 });
    const missing = await ann.api('POST', '/me/deletion', {}).catch((e: unknown) => e as MetaChatError);
    expect(missing).to.deep.include({ status: 400 });
    expect((await ann.api<{ id: string }>('GET', '/me')).id).to.equal(annId);
  });

  it('after deletion, nothing of the user can be read through any endpoint or found in storage', async () => {
    const token = ann.tokens!.accessToken;
    const { refreshToken } = ann.tokens!;
    const { ws } = await rawSocket(platform.gateways[0]!.url, token);
    const closed = closeOf(ws);
    // A command of hers that could not be handled, parked with its text.
    await jetstream(nc).publish(
      subjects.parked('room'),
      JSON.stringify({ type: 'send', room, by: annId, text: `${secret}, parked` }),
    );
    // A second login of hers ends before anything is erased, so it cannot write meanwhile.
    const second = new MetaChat({ baseUrl: platform.gateways[0]!.url });
    await second.login('delete-ann@example.com', 'ann-password');
    const steps: string[] = [];
    const watched = [
      nc.subscribe('identity.tokens.revoked', {
        callback: (_, m) => void steps.push(`revoked ${m.string()}`),
      }),
      nc.subscribe('chat.v1.forget-user', { callback: () => void steps.push('chat forgets') }),
    ];
    await ann.deleteAccount('ann-password');
    for (const sub of watched) sub.unsubscribe();
    const ended = steps.findIndex((s) => s.startsWith('revoked') && s.includes('"session"'));
    expect(ended, `steps: ${steps.join('; ')}`).to.be.at.least(0);
    expect(ended, 'the other login ends before chat forgets').to.be.below(steps.indexOf('chat forgets'));
    expect(await second.api('GET', '/me').catch((e: unknown) => (e as MetaChatError).status)).to.equal(401);
    // Her open socket is closed at once (every token of a deleted account is revoked, ADR 0008).
    expect(await closed).to.deep.equal([4401, 'token_revoked']);

    // The account: its tokens, its sign-in, its refresh token.
    const stale = new MetaChat({ baseUrl: platform.gateways[0]!.url });
    stale.tokens = { accessToken: token, accessTokenExpiresAt: 0, refreshToken, refreshTokenExpiresAt: 0 };
    expect(await stale.api('GET', '/me').catch((e: unknown) => (e as MetaChatError).status)).to.equal(401);
    const login = await ann
      .login('delete-ann@example.com', 'ann-password')
      .catch((e: unknown) => e as MetaChatError);
    expect(login).to.deep.include({ status: 401 });
    const refreshed = await stale.refresh().catch((e: unknown) => e as MetaChatError);
    expect(refreshed).to.deep.include({ status: 401 });

    // Chat: Ann left every room; her messages keep their place, without text or author.
    const history = await bob.history(room, { after: 0 });
    const hers = history.messages.filter((m) => m.author === 'deleted');
    expect(hers).to.have.length(1);
    expect(hers[0]!.text).to.equal('');
    expect(history.messages.map((m) => m.text).join(' ')).not.to.include('lighthouse');
    expect((await bob.history(dm, { after: 0 })).messages.map((m) => m.text).join(' ')).not.to.include(
      'lighthouse',
    );
    const { events } = await bob.api<{
      events: { type: string; user?: string; reason?: string; text?: string }[];
    }>('GET', `/rooms/${room}/events?after=0&limit=200`);
    expect(events.find((e) => e.type === 'MemberRemoved' && e.user === annId)).to.include({
      reason: 'account deleted',
    });
    expect(JSON.stringify(events)).not.to.include('lighthouse');
    const found = await bob.api<{ messages: unknown[] }>('GET', '/search?q=lighthouse');
    expect(found.messages).to.deep.equal([]);
    // No room shared any more: her presence is not for Bob to know, and Redis forgot it.
    expect((await bob.presence([annId])).presence[0]).to.deep.equal({ user: annId, status: 'unknown' });
    const redis = new Redis(server('redis').url);
    const [forgotten] = await new PresenceStore(redis, 30_000).statuses([annId]);
    redis.disconnect();
    expect(forgotten).to.include({ status: 'offline', lastSeen: 0 });

    // Every store: no text of hers in any database the platform writes (the events database too).
    const databases = (await mongo.db('admin').admin().listDatabases()).databases
      .map((d) => d.name)
      .filter((name) => name.startsWith(platform.database));
    expect(databases).to.include(`${platform.database}_events`);
    const collections = [];
    for (const name of databases)
      for (const c of await mongo.db(name).listCollections().toArray())
        collections.push({ db: name, name: c.name });
    for (const { db: dbName, name } of collections) {
      const db = mongo.db(dbName);
      const docs = await db.collection(name).find({}).toArray();
      const dump = JSON.stringify(docs);
      expect(dump, name).not.to.include('lighthouse');
      expect(dump, name).not.to.include('delete-ann@example.com');
      if (
        [
          'portraits',
          'portrait_items',
          'portrait_buckets',
          'notifications',
          'matching_optins',
          'blocks',
          'users',
          'chat_memberships',
          'diary_entries',
        ].includes(name)
      )
        expect(dump, name).not.to.include(annId);
    }
    // JetStream: no text of hers in any stream (parked messages too), and parked ones are not kept for ever.
    const jsm = await jetstreamManager(nc);
    for await (const info of jsm.streams.list()) {
      const bodies = await storedBodies(jsm, info.config.name);
      expect(bodies.join('\n'), info.config.name).not.to.include('lighthouse');
    }
    expect((await jsm.streams.info(streams.parked)).config.max_age).to.be.above(0);
    // No copy of her messages, diary entries or their mood scores.
    for (const [stream, subject] of [
      [streams.events('room'), subjects.event('room', room)],
      [streams.events('room'), subjects.event('room', dm)],
      [streams.events('diary'), subjects.event('diary', annId)],
      [moodStream, moodSubjects.analyzedInDiary(annId)],
      [moodStream, moodSubjects.analyzedInRoom(room)],
    ] as const) {
      const bodies = await streamBodies(nc, stream, subject);
      expect(bodies.join('\n'), subject).not.to.include('lighthouse');
      if (stream === moodStream) expect(bodies.join('\n'), subject).not.to.include(annId);
    }

    // Bob's side still works; the conversation with a deleted account takes no more messages from her.
    expect((await bob.send(room, 'still here')).seq).to.be.a('number');
  });
});
