import { expect } from 'chai';
import { WebSocket } from 'ws';
import type { MoodScore } from '../../services/mood/mood-scores.js';
import { MetaChat } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import { eventually } from '../testenv/eventually.js';

type Scored = { seq: number; text: string; moodScore?: MoodScore };
type ScoredEntry = { id: string; text: string; moodScore?: MoodScore };

describe('mood scores beside messages and entries (services as processes; real NATS, FerretDB, Redis)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let ann: MetaChat;
  let bob: MetaChat;
  let room: string;

  const history = async (who: MetaChat) => (await who.history(room)).messages as unknown as Scored[];
  const scoredIn = async (who: MetaChat, seq: number, valence?: string) =>
    eventually(
      `message ${seq} scored${valence ? ` ${valence}` : ''}`,
      async () => {
        const message = (await history(who)).find((m) => m.seq === seq);
        return message?.moodScore && (!valence || message.moodScore.valence === valence)
          ? message
          : undefined;
      },
      30_000,
    );

  before(async () => {
    platform = await startTestPlatform('mood_visible', { moodLayer: true, notifications: true });
    const client = () => new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    [ann, bob] = [client(), client()];
    await ann.register('ann-moods@example.com', 'Ann', 'ann-password');
    await bob.register('bob-moods@example.com', 'Bob', 'bob-password');
    room = (await ann.createRoom('Moods', { visibility: 'public' })).id;
    await bob.api('POST', `/rooms/${room}/join`);
  });
  after(async () => {
    await platform?.stop();
  });

  it('shows each message’s latest score in history and search, re-scored after an edit', async () => {
    const { seq } = await ann.send(room, 'I love this wonderful sunny day, I am so happy!');
    const scored = await scoredIn(bob, seq, 'positive');
    expect(scored.moodScore).to.include({ valence: 'positive', language: 'en' });
    expect(scored.moodScore!.valenceScore).to.be.above(0);
    expect(scored.moodScore!.emotion).to.be.a('string');
    expect(scored.moodScore!.model).to.match(/@/);

    await ann.edit(room, seq, 'I hate this awful rainy day, I am miserable and furious.');
    const rescored = await scoredIn(bob, seq, 'negative');
    expect(rescored.moodScore!.valenceScore).to.be.below(0);

    const { messages: hits } = await ann.api<{ messages: Scored[] }>('GET', '/search?q=rainy');
    expect(hits.find((m) => m.seq === seq)?.moodScore?.valence).to.equal('negative');
  });

  it('pushes a message’s score live to the room’s subscribers, moments after the message', async () => {
    const { messages } = await bob.history(room);
    const live = bob.events({ [room]: messages.at(-1)?.seq ?? 0 });
    const scores: { seq: number; valence: string }[] = [];
    live.onSignal((signal) => {
      if (signal.type === 'mood' && signal.room === room)
        scores.push({ seq: signal.seq, valence: signal.moodScore.valence });
    });
    try {
      await live.caughtUp;
      const { seq } = await ann.send(room, 'Best news ever, I got the job and I am thrilled!');
      const pushed = await eventually(
        'the score pushed',
        async () => scores.find((s) => s.seq === seq),
        30_000,
      );
      expect(pushed.valence).to.equal('positive');
    } finally {
      live.close();
    }
  });

  it('keeps the score of a deleted message, and of a blocked author’s message, to itself', async () => {
    const { seq: gone } = await ann.send(room, 'What a fantastic surprise, thank you all so much!');
    await scoredIn(ann, gone);
    await ann.delete(room, gone);
    await eventually('the deleted message to lose its score', async () => {
      const message = (await history(ann)).find((m) => m.seq === gone);
      return message && message.text === '' && message.moodScore === undefined;
    });

    const { seq } = await ann.send(room, 'Feeling great and grateful this morning.');
    await scoredIn(bob, seq);
    await bob.api('PUT', `/me/blocks/${(await ann.api<{ id: string }>('GET', '/me')).id}`);
    const blocked = (await history(bob)).find((m) => m.seq === seq)!;
    expect(blocked.text).to.equal('');
    expect(blocked.moodScore, 'a blocked author’s score').to.equal(undefined);
    expect((await history(ann)).find((m) => m.seq === seq)?.moodScore).to.not.equal(undefined);
  });

  it('shows each diary entry’s score in the list and both kinds in the export', async () => {
    const { id } = await ann.api<{ id: string }>('POST', '/diary/entries', {
      text: 'Spent the evening with old friends, laughed a lot, such a joyful night.',
      tags: ['friends'],
    });
    const entry = await eventually(
      'the entry scored',
      async () => {
        const { entries } = await ann.api<{ entries: ScoredEntry[] }>('GET', '/diary/entries');
        return entries.find((e) => e.id === id && e.moodScore);
      },
      30_000,
    );
    expect(entry.moodScore).to.include({ valence: 'positive' });

    const exported = (await ann.exportAccount()) as { messages: Scored[]; diary: ScoredEntry[] };
    expect(exported.diary.find((e) => e.id === id)?.moodScore?.valence).to.equal('positive');
    expect(exported.messages.some((m) => m.moodScore !== undefined)).to.equal(true);
  });
});
