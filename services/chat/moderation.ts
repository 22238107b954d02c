import { reject, type Rejection } from '../actors/types.js';
import { escapeRegex } from '../kit/text-search.js';
import type { RoomSettings } from './room-model.js';

// A room's blocked-word rule, and who may see a hidden message. Pure.

/** What moderation decided about a message that was stored anyway, and why. */
export interface Moderation {
  action: 'hidden' | 'flagged';
  reason: string;
}

/** The blocked words (or phrases) the text contains as whole words, ignoring case. */
export function blockedWordsIn(text: string, words: readonly string[]): string[] {
  return words.filter((word) =>
    new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(word)}(?![\\p{L}\\p{N}])`, 'iu').test(text),
  );
}

/** The room's decision on a text: refuse it, or store it marked hidden or flagged, or nothing. */
export function moderate(settings: RoomSettings, text: string): Rejection | { moderation?: Moderation } {
  const found = blockedWordsIn(text, settings.moderation.blockedWords);
  if (found.length === 0) return {};
  const reason = `blocked word${found.length > 1 ? 's' : ''}: ${found.join(', ')}`;
  switch (settings.moderation.action) {
    case 'reject':
      return reject('message_blocked', `the room does not accept this message (${reason})`, { words: found });
    case 'hide':
      return { moderation: { action: 'hidden', reason } };
    case 'flag':
      return { moderation: { action: 'flagged', reason } };
  }
}

/** The mood rule: a message scored at or below this valence is "very negative". */
export const veryNegativeValence = -0.6;

/** Whether a room's mood rule flags a scored message (the rule is on when the room names a mood model). */
export function moodFlag(settings: RoomSettings, valenceScore: number): Moderation | undefined {
  if (!settings.moderation.moodModel || valenceScore > veryNegativeValence) return undefined;
  return { action: 'flagged', reason: `very negative (valence ${valenceScore.toFixed(2)})` };
}

/**
 * A room event as `user` may see it: a hidden message's text is kept from
 * everyone but its author (the sequence stays, so nobody's history has a hole).
 */
export function visibleTo<
  E extends { type?: unknown; author?: unknown; by?: unknown; text?: unknown; moderation?: Moderation },
>(user: string, event: E): E {
  if (event.moderation?.action !== 'hidden') return event;
  const writer = event.type === 'MessageSent' || event.author !== undefined ? event.author : event.by;
  return writer === user ? event : { ...event, text: '' };
}
