import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '../kit/log.js';
import { subscribeJson } from '../kit/nats-subscribe.js';
import { moodScoreOf } from '../mood/mood-scores.js';
import { isMoodEvent } from '../mood/scorable.js';
import { moodSubjects } from '../mood/subjects.js';
import type { Fanout, LiveClient } from './fanout.js';

// Live mood scores: a message is scored moments after it is sent, so its
// score reaches the room's subscribers as its own frame,
//   {"type":"mood","room","seq","moodScore":{valence,valenceScore,emotion,language,model}},
// from the mood service's events on core NATS (history has every score, so a
// missed frame costs nothing a reload does not bring back). A score tells what
// the text said, so it goes only where the text does: not to someone who
// blocked its author, and a hidden message's only to its author.

/** Hidden messages remembered per room, and rooms remembered, at most: enough for scores that come moments later. */
const hiddenPerRoom = 256;
const roomsRemembered = 10_000;

export class MoodRelay {
  #subscription: Subscription | undefined;
  /** room → sequences of recent messages moderation hid (insertion order, so the oldest go first). */
  readonly #hidden = new Map<string, Set<number>>();

  constructor(private readonly deps: { nc: NatsConnection; fanout: Fanout; log: Logger }) {}

  start(): void {
    this.#subscription = subscribeJson<unknown>(
      this.deps.nc,
      moodSubjects.analyzedInRoom('*'),
      (event) => {
        if (!isMoodEvent(event) || event.type !== 'MoodAnalyzed' || event.source !== 'chat') return;
        const frame = { type: 'mood', room: event.room, seq: event.seq, moodScore: moodScoreOf(event) };
        const hidden = this.#hidden.get(event.room)?.has(event.seq) ?? false;
        for (const client of this.deps.fanout.clientsIn([event.room])) {
          if (mayShowScore(client, event.author, hidden)) this.deps.fanout.send(client, frame);
        }
      },
      this.deps.log,
    );
  }

  close(): void {
    this.#subscription?.unsubscribe();
  }

  /** Every room event the gateway delivers passes here, so that hidden messages are known when their scores come. */
  sawEvent(
    room: string,
    seq: number,
    data: { type?: unknown; target?: unknown; moderation?: { action?: unknown } },
  ): void {
    if (data.moderation?.action !== 'hidden') return;
    const target =
      data.type === 'MessageSent' ? seq : typeof data.target === 'number' ? data.target : undefined;
    if (target === undefined) return;
    const seqs = this.#hidden.get(room) ?? new Set<number>();
    seqs.add(target);
    if (seqs.size > hiddenPerRoom) seqs.delete(seqs.values().next().value!);
    this.#hidden.delete(room); // re-inserted last: the rooms least recently hiding anything go first
    this.#hidden.set(room, seqs);
    if (this.#hidden.size > roomsRemembered) this.#hidden.delete(this.#hidden.keys().next().value!);
  }
}

/** May this client see the score of a message by `author`? Pure: the text's own visibility rules. */
export function mayShowScore(
  client: Pick<LiveClient, 'user' | 'blocked'>,
  author: string,
  hidden: boolean,
): boolean {
  if (client.blocked.has(author)) return false;
  return !hidden || client.user === author;
}
