import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { ActorClient } from '../../services/actors/client.js';
import { defaultRoomSettings, type RoomSettings } from '../../services/chat/room-model.js';
import { MetaChat, type MetaChatError } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { rawSocket } from '../raw-socket.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

// Room rules through the gateway on real servers: who may speak (mute,
// announcement rooms), a room's own rate limit, client ids, what the events
// page and the socket's catch-up serve of edited and deleted messages, keys
// named like Object.prototype's, unknown users, and invitations.

type Event = Record<string, unknown> & { type: string; seq: number };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as MetaChatError,
  );

describe('room rules end to end (services as processes)', function () {
  this.timeout(180_000);
  let platform: Platform;
  let nc: NatsConnection;
  let actors: ActorClient;
  let ann: MetaChat;
  let bob: MetaChat;
  let cat: MetaChat;
  let annId: string;
  let bobId: string;
  let catId: string;
  let url: string;

  const client = () => new MetaChat({ baseUrl: url, WebSocket: WebSocket as never });
  /** Bob is in: invited with the room (and accepting, where adding takes consent). */
  const roomWithBob = async (name: string, visibility: 'public' | 'private' = 'private') => {
    const { id } = await ann.createRoom(name, { members: [bobId], visibility });
    await bob.api('POST', `/rooms/${id}/join`).catch((e: MetaChatError) => {
      if (e.error !== 'already_member') throw e;
    });
    return id;
  };
  /** As the operator provisions a ChatRoom: Ann owns it, Bob is a member. */
  const declared = async (kind: 'group' | 'announcement', settings: RoomSettings = defaultRoomSettings()) => {
    const id = `k_rules_${kind}_${Math.random().toString(36).slice(2, 10)}`;
    const result = await actors.send('room', id, {
      type: 'configure',
      name: `Declared ${kind}`,
      kind,
      visibility: 'private',
      owners: [annId],
      members: [bobId],
      settings,
    });
    expect(result.status).to.equal('accepted');
    return id;
  };
  const events = (who: MetaChat, room: string) =>
    who.api<{ events: Event[] }>('GET', `/rooms/${room}/events?after=0`).then((r) => r.events);
  const post = (who: MetaChat, room: string, body: unknown) =>
    fetch(`${url}/api/v1/rooms/${room}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${who.tokens!.accessToken}` },
      body: JSON.stringify(body),
    });

  before(async () => {
    platform = await startTestPlatform('room_rules', {});
    url = platform.gateways[0]!.url;
    // Declares rooms as the operator does (its NATS user, when the platform has users).
    nc = await connect({ servers: platform.natsUrl, ...platform.natsUsers?.operator });
    actors = new ActorClient(nc, 8);
    [ann, bob, cat] = [client(), client(), client()];
    annId = (await ann.register('rules-ann@example.com', 'Ann', 'ann-password')).id;
    bobId = (await bob.register('rules-bob@example.com', 'Bob', 'bob-password')).id;
    catId = (await cat.register('rules-cat@example.com', 'Cat', 'cat-password')).id;
  });
  after(async () => {
    await nc?.close();
    await platform?.stop();
  });

  describe('who may speak', () => {
    it('keeps a muted member from editing and reacting, not only from posting', async () => {
      const room = await roomWithBob('Muting');
      const { seq } = await bob.send(room, 'before the mute');
      await ann.mute(room, bobId, 0, 'calm down');
      expect(await failure(bob.edit(room, seq, 'after the mute'))).to.deep.include({
        error: 'muted',
        status: 403,
      });
      expect(await failure(bob.react(room, seq, '🔥'))).to.deep.include({ error: 'muted', status: 403 });
      expect(await failure(bob.send(room, 'still here'))).to.deep.include({ error: 'muted', status: 403 });
      const [message] = (await ann.history(room)).messages;
      expect(message).to.deep.include({ text: 'before the mute', reactions: {} });
    });

    it('lets only owners post and react in an announcement room', async () => {
      const room = await declared('announcement');
      const { seq } = await ann.send(room, 'news');
      expect(await failure(bob.react(room, seq, '👍'))).to.deep.include({ error: 'forbidden', status: 403 });
      expect(await failure(bob.send(room, 'me too'))).to.deep.include({ error: 'forbidden', status: 403 });
      await ann.react(room, seq, '👍');
      const [message] = (await bob.history(room)).messages;
      expect(message!.reactions).to.deep.equal({ '👍': [annId] });
    });
  });

  it('enforces a declared room’s messages per minute per member: 429 with Retry-After past it', async () => {
    const room = await declared('group', { ...defaultRoomSettings(), rateLimitPerMinute: 30 });
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 35; i++) {
      const res = await post(bob, room, { text: `message ${i}` });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.filter((s) => s === 201)).to.have.length(30);
    expect(statuses.slice(30)).to.deep.equal([429, 429, 429, 429, 429]);
    const body = (await refused!.json()) as { error: string; code: number; details: Record<string, number> };
    expect(body).to.deep.include({ error: 'rate_limited', code: 429 });
    expect(body.details).to.include({ limit: 30 });
    expect(Number(refused!.headers.get('retry-after'))).to.be.within(1, 60);
    expect(body.details.retryAfterSeconds).to.equal(Number(refused!.headers.get('retry-after')));
    await ann.send(room, 'the owner is counted on their own'); // per member
  });

  it('answers a client id reused with another text with 409 client_id_reused, and a true retry as before', async () => {
    const room = await roomWithBob('Client ids');
    const first = await post(bob, room, { text: 'hello', clientId: 'reused-1' });
    expect(first.status).to.equal(201);
    const { seq } = (await first.json()) as { seq: number };
    const retry = await post(bob, room, { text: 'hello', clientId: 'reused-1' });
    expect([retry.status, await retry.json()]).to.deep.equal([201, { seq }]);
    const reused = await post(bob, room, { text: 'something else', clientId: 'reused-1' });
    expect(reused.status).to.equal(409);
    expect(await reused.json()).to.deep.include({
      error: 'client_id_reused',
      code: 409,
      details: { field: 'clientId', seq },
    });
    const texts = (await ann.history(room)).messages.map((m) => m.text);
    expect(texts).to.deep.equal(['hello']);
  });

  it('serves no deleted text and no text from before an edit, on the events page and the socket’s catch-up', async () => {
    const room = await roomWithBob('Second thoughts', 'public');
    const kept = await bob.send(room, 'first draft');
    await bob.edit(room, kept.seq, 'final words');
    const gone = await bob.send(room, 'regrettable secret');
    await bob.delete(room, gone.seq);
    await cat.api('POST', `/rooms/${room}/join`); // joins later, reads everything since the start
    const history = await eventually('the edit and the deletion in history', async () => {
      const { messages } = await cat.history(room, { after: 0 });
      return messages.find((m) => m.deleted) && messages.find((m) => m.text === 'final words')
        ? messages
        : undefined;
    });
    const shownOf = (served: Event[]) =>
      served.filter((e) => e.type === 'MessageSent').map((e) => ({ seq: e.seq, text: e.text }));
    const expected = history.map((m) => ({ seq: m.seq, text: m.text }));
    const noSecrets = (served: Event[]) => {
      const text = JSON.stringify(served);
      expect(text).to.not.include('first draft');
      expect(text).to.not.include('regrettable secret');
    };

    const page = await events(cat, room);
    noSecrets(page);
    expect(shownOf(page)).to.deep.equal(expected);

    const { ws, replies } = await rawSocket(url, cat.tokens!.accessToken);
    ws.send(JSON.stringify({ type: 'subscribe', rooms: [{ room, after: 0 }] }));
    await eventually('the catch-up', async () => replies.some((r) => r.type === 'caught-up'));
    ws.close();
    const caughtUp = replies
      .filter((r) => r.type === 'event')
      .map((r) => ({ seq: r.seq, ...(r.event as object) }) as Event);
    noSecrets(caughtUp);
    expect(shownOf(caughtUp)).to.deep.equal(expected);
  });

  it('takes Object.prototype names as emoji, and reads them back', async () => {
    const room = await roomWithBob('Prototype emoji');
    const { seq } = await bob.send(room, 'react to me');
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    for (const name of names) await ann.react(room, seq, name);
    await ann.react(room, seq, 'toString'); // again: no change
    await ann.react(room, seq, 'valueOf', false);
    const message = await eventually('the reactions in history', async () => {
      const [m] = (await bob.history(room)).messages;
      return m && Object.keys(m.reactions).length === 4 ? m : undefined;
    });
    expect(Object.entries(message.reactions)).to.have.deep.members(
      names.slice(0, 4).map((n) => [n, [annId]]),
    );
    const added = (await events(bob, room)).filter((e) => e.type === 'ReactionAdded').map((e) => e.emoji);
    expect(added).to.deep.equal(names);
  });

  describe('unknown users', () => {
    const nobody = 'u_nobody_has_this_id';
    it('answers a direct conversation with someone who does not exist with 404', async () => {
      const refused = await failure(ann.openDirect(nobody));
      expect(refused).to.deep.include({ error: 'user_not_found', status: 404 });
      expect(refused!.details).to.deep.include({ field: 'peer' });
    });

    it('answers blocking someone who does not exist with 404', async () => {
      const refused = await failure(ann.api('PUT', `/me/blocks/${nobody}`));
      expect(refused).to.deep.include({ error: 'user_not_found', status: 404 });
      expect((await ann.api<{ blocked: unknown[] }>('GET', '/me/blocks')).blocked).to.deep.equal([]);
    });

    it('answers adding someone who does not exist to a room with 404', async () => {
      const created = await failure(ann.createRoom('Ghosts', { members: [nobody] }));
      expect(created).to.deep.include({ error: 'user_not_found', status: 404 });
      expect(created!.details).to.deep.include({ field: 'members' });
      const { id } = await ann.createRoom('Nobody here');
      const invited = await failure(ann.api('POST', `/rooms/${id}/invitations`, { user: nobody }));
      expect(invited).to.deep.include({ error: 'user_not_found', status: 404 });
    });
  });

  describe('invitations', () => {
    type Invitation = { room: string; name: string; kind: string; by: string; at: number };
    const invitations = (who: MetaChat) =>
      who.api<{ invitations: Invitation[] }>('GET', '/invitations').then((r) => r.invitations);

    it('makes adding someone to a group room an invitation they see, accept or decline', async () => {
      const { id: accepted } = await ann.createRoom('Book club', { members: [catId] });
      const { id: declined } = await ann.createRoom('Karaoke', { members: [catId] });
      expect((await cat.rooms()).rooms.map((r) => r.id)).to.not.include.members([accepted, declined]);
      expect(await failure(cat.history(accepted))).to.deep.include({ status: 403 });
      const pending = await eventually('two invitations', async () => {
        const list = await invitations(cat);
        return list.length >= 2 ? list : undefined;
      });
      const mine = pending.filter((i) => [accepted, declined].includes(i.room));
      expect(mine.map(({ at: _at, ...i }) => i)).to.have.deep.members([
        { room: accepted, name: 'Book club', kind: 'group', by: annId },
        { room: declined, name: 'Karaoke', kind: 'group', by: annId },
      ]);

      await cat.api('POST', `/invitations/${accepted}/accept`);
      await cat.api('DELETE', `/invitations/${declined}`);
      await eventually('the invitations answered', async () => (await invitations(cat)).length === 0);
      const rooms = await eventually('the accepted room listed', async () => {
        const list = (await cat.rooms()).rooms.map((r) => r.id);
        return list.includes(accepted) ? list : undefined;
      });
      expect(rooms).to.not.include(declined);
      expect(await failure(cat.api('POST', `/rooms/${declined}/join`))).to.deep.include({ status: 403 });
      expect(await failure(cat.api('DELETE', `/invitations/${declined}`))).to.deep.include({ status: 404 });
    });

    it('refuses to add someone who blocked you, or whom you blocked', async () => {
      const dan = client();
      const danId = (await dan.register('rules-dan@example.com', 'Dan', 'dan-password')).id;
      await dan.api('PUT', `/me/blocks/${annId}`);
      const created = await failure(ann.createRoom('With Dan', { members: [danId] }));
      expect(created).to.deep.include({ error: 'blocked', status: 403 });
      const { id } = await ann.createRoom('Without Dan');
      const invited = await failure(ann.api('POST', `/rooms/${id}/invitations`, { user: danId }));
      expect(invited).to.deep.include({ error: 'blocked', status: 403 });
      await ann.api('PUT', `/me/blocks/${catId}`);
      const blocker = await failure(ann.api('POST', `/rooms/${id}/invitations`, { user: catId }));
      expect(blocker).to.deep.include({ error: 'blocked', status: 403 });
      await ann.api('DELETE', `/me/blocks/${catId}`);
      expect(await invitations(dan)).to.deep.equal([]);
    });
  });
});
