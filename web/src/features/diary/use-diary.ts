import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../auth/session-context';
import type { MoodScore } from '../mood/MoodBadge';

export interface DiaryEntry {
  id: string;
  at: number;
  title?: string;
  text: string;
  tags?: string[];
  mood?: number;
  shared?: boolean;
  moodScore?: MoodScore;
}

export interface NewEntry {
  text: string;
  title?: string;
  tags?: string[];
  mood?: number;
}

const key = ['diary', 'entries'] as const;

export function useEntries() {
  const session = useSession();
  return useQuery({
    queryKey: key,
    queryFn: () => session.call((c) => c.api<{ entries: DiaryEntry[] }>('GET', '/diary/entries?limit=50')),
  });
}

export function useWriteEntry() {
  const session = useSession();
  const qc = useQueryClient();
  return useMutation({
    // The client id makes a retried write one entry.
    mutationFn: (entry: NewEntry & { clientId: string }) =>
      session.call((c) => c.api<{ id: string }>('POST', '/diary/entries', entry)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: ['mood'] });
    },
  });
}

/** "walks, Sea " → ["walks", "sea"]: what the API stores. */
export const parseTags = (input: string) =>
  [
    ...new Set(
      input
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ].slice(0, 20);
