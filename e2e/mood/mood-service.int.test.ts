import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { MetaChat } from '../../services/sdk/index.js';
import type { MoodAnalyzed } from '../../services/mood/mood-service.js';
import { moodStream, moodSubjects } from '../../services/mood/subjects.js';
import { statusOf } from '../sdk-failure.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';

describe('mood service end to end (a process with the committed model; real NATS, FerretDB, Redis)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let nc: NatsConnection;
  let ann: MetaChat;

  before(async () => {
    platform = await startTestPlatform('mood', {
      mood: true,
    });
    nc = await connect({ servers: platform.natsUrl });
    ann = new MetaChat({ baseUrl: platform.gateways[0]!.url, WebSocket: WebSocket as never });
    await ann.register('mood-ann@example.com', 'Ann', 'ann-password');
  });
  after(async () => {
    await nc?.close();
    await platform?.stop();
  });

  it('scores texts through POST /api/v1/mood/analyze, in order', async () => {
    const { results } = await ann.api<{ results: { valence: string; language: string }[] }>(
      'POST',
      '/mood/analyze',
      { texts: ['I love this, what a wonderful day!', 'Мне очень страшно', 'Meeting at 3pm.'] },
    );
    expect(results.map((r) => [r.valence, r.language])).to.deep.equal([
      ['positive', 'en'],
      ['negative', 'ru'],
      ['neutral', 'en'],
    ]);
  });

  it('answers bad requests with a 4xx and defined results for awkward texts', async () => {
    expect(await statusOf(ann.api('POST', '/mood/analyze', { texts: [] }))).to.equal(400);
    expect(await statusOf(ann.api('POST', '/mood/analyze', { texts: [42] }))).to.equal(400);
    expect(await statusOf(ann.api('POST', '/mood/analyze', { text: 'x', texts: ['y'] }))).to.equal(400);
    expect(await statusOf(ann.api('POST', '/mood/analyze', { text: 'x'.repeat(10_001) }))).to.be.within(
      400,
      413,
    );
    const { results } = await ann.api<{ results: { valence: string }[] }>('POST', '/mood/analyze', {
      texts: ['', '😭😭', '\u0000\u0001'],
    });
    expect(results.map((r) => r.valence)).to.deep.equal(['neutral', 'negative', 'neutral']);
  });

  it('publishes MoodAnalyzed for every new chat message', async () => {
    const room = (await ann.createRoom('Feelings')).id;
    const { seq } = await ann.send(room, 'I am so happy and grateful today!');
    const consumer = await jetstream(nc).consumers.get(moodStream, {
      filter_subjects: [moodSubjects.analyzedInRoom(room)],
    });
    const msg = await consumer.next({ expires: 20_000 });
    expect(msg, 'a MoodAnalyzed event within 20 s').to.not.equal(null);
    const analyzed = msg!.json<MoodAnalyzed>();
    expect(analyzed).to.deep.include({ type: 'MoodAnalyzed', room, seq, valence: 'positive' });
    expect(analyzed.emotions.joy).to.be.above(0.5);
  });
});
