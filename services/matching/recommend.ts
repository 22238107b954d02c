import type { Portrait } from '../portrait/portrait-store.js';
import type { Reason } from './explain.js';

// Rooms that people like me feel good in and I am not writing in yet. Pure:
// whether a room is public and whether I am a member is checked by the caller.

export interface RoomCandidate {
  room: string;
  score: number;
  reasons: Reason[];
}

export function recommendRooms(
  me: Portrait,
  similar: { portrait: Portrait; similarity: number }[],
  limit: number,
): RoomCandidate[] {
  const mine = new Set(me.interests.rooms.map((r) => r.room));
  const byRoom = new Map<string, { score: number; people: number; valenceSum: number }>();
  for (const { portrait, similarity } of similar) {
    if (similarity <= 0) continue;
    for (const { room, messages, valenceMean } of portrait.interests.rooms) {
      if (mine.has(room) || valenceMean <= 0) continue;
      const entry = byRoom.get(room) ?? { score: 0, people: 0, valenceSum: 0 };
      entry.score += similarity * valenceMean * Math.log1p(messages);
      entry.people += 1;
      entry.valenceSum += valenceMean;
      byRoom.set(room, entry);
    }
  }
  return [...byRoom]
    .sort((a, b) => b[1].score - a[1].score || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([room, { score, people, valenceSum }]) => ({
      room,
      score: Math.round(score * 1000) / 1000,
      reasons: [
        {
          kind: 'mood',
          text: `${people} ${people === 1 ? 'person' : 'people'} with a mood pattern like yours feel good here (mean valence ${Math.round((valenceSum / people) * 100) / 100})`,
        },
      ],
    }));
}
