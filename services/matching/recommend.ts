import type { FoundHelpful } from '../diary/shared-entries.js';
import type { Portrait } from '../portrait/portrait-store.js';
import type { Reason } from './explain.js';

// What to show me: rooms that people like me feel good in and I am not
// writing in yet, and shared diary entries people like me found helpful.
// Pure: whether a room is public and whether I am a member is checked by the
// caller; the entries come already filtered (shared, not mine, not marked by me).

const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;

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
    .map(([room, { score, people: count, valenceSum }]) => ({
      room,
      score: Math.round(score * 1000) / 1000,
      reasons: [
        {
          kind: 'mood',
          text: `${people(count)} with a mood pattern like yours ${count === 1 ? 'feels' : 'feel'} good here (mean valence ${Math.round((valenceSum / count) * 100) / 100})`,
        },
      ],
    }));
}

export interface EntryCandidate {
  entry: string;
  title: string;
  score: number;
  reasons: Reason[];
}

/** Entries ranked by the summed similarity of the people who marked them helpful. */
export function recommendEntries(
  me: Portrait,
  similar: { user: string; similarity: number }[],
  found: FoundHelpful[],
  limit: number,
): EntryCandidate[] {
  const similarity = new Map(similar.filter((s) => s.similarity > 0).map((s) => [s.user, s.similarity]));
  const myTags = new Set(me.interests.tags.map((t) => t.tag));
  return found
    .map(({ entry, title, tags, by }) => {
      const markers = by.filter((user) => similarity.has(user));
      const score = markers.reduce((sum, user) => sum + similarity.get(user)!, 0);
      const sharedTags = tags.filter((t) => myTags.has(t));
      const reasons: Reason[] = [
        { kind: 'mood', text: `${people(markers.length)} with a mood pattern like yours found this helpful` },
      ];
      if (sharedTags.length > 0)
        reasons.push({
          kind: 'interests',
          text: `about ${sharedTags.slice(0, 3).join(', ')}, like your entries`,
        });
      return { entry, title, score: Math.round(score * 1000) / 1000, reasons, markers: markers.length };
    })
    .filter((c) => c.markers > 0)
    .sort((a, b) => b.score - a.score || a.entry.localeCompare(b.entry))
    .slice(0, limit)
    .map(({ markers: _, ...candidate }) => candidate);
}
