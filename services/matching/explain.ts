import type { Portrait } from '../portrait/portrait-store.js';

// Why two people match, in words a person can check against their own
// portrait. Pure.

export interface Reason {
  kind: 'interests' | 'mood';
  text: string;
}

const valenceWord = (mean: number) =>
  mean >= 0.25 ? 'mostly positive' : mean <= -0.25 ? 'mostly low' : 'mostly even';

function strongestFeeling(p: Portrait): string | undefined {
  const [emotion, share] = Object.entries(p.mood.emotions)
    .filter(([e]) => e !== 'neutral')
    .sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0];
  return share >= 0.15 ? emotion : undefined;
}

export function matchReasons(me: Portrait, other: Portrait): Reason[] {
  const reasons: Reason[] = [];
  const theirTags = new Set(other.interests.tags.map((t) => t.tag));
  const sharedTags = me.interests.tags.filter((t) => theirTags.has(t.tag)).map((t) => t.tag);
  if (sharedTags.length > 0)
    reasons.push({ kind: 'interests', text: `shared interests: ${sharedTags.slice(0, 3).join(', ')}` });
  const theirRooms = new Set(other.interests.rooms.map((r) => r.room));
  const sharedRooms = me.interests.rooms.filter((r) => theirRooms.has(r.room)).length;
  if (sharedRooms > 0)
    reasons.push({
      kind: 'interests',
      text: `you both write in ${sharedRooms} of the same room${sharedRooms > 1 ? 's' : ''}`,
    });
  const [a, b] = [me.mood.valenceMean, other.mood.valenceMean];
  if (valenceWord(a) === valenceWord(b) && Math.abs(a - b) < 0.35)
    reasons.push({ kind: 'mood', text: `similar mood pattern: ${valenceWord(a)} (${a} and ${b})` });
  const [mine, theirs] = [strongestFeeling(me), strongestFeeling(other)];
  if (mine && mine === theirs) reasons.push({ kind: 'mood', text: `you both feel ${mine} most often` });
  if (Math.abs(me.mood.volatility - other.mood.volatility) < 0.1)
    reasons.push({
      kind: 'mood',
      text: me.mood.volatility < 0.3 ? 'both with a steady mood' : 'both with a mood that swings',
    });
  return reasons;
}
