// A user's diary: one actor per user, its commands and events. Entries are
// written, edited and deleted; the text lives in events and the read model,
// the state keeps only fingerprints of each entry's fields (so it stays small).

export const diaryLimits = { titleMax: 200, textMax: 20_000, tagsMax: 20, entriesMax: 100_000 };

/** Self-reported mood: −2 (very bad) … 2 (very good). */
export type SelfMood = -2 | -1 | 0 | 1 | 2;

export type EntryContent = {
  title: string;
  text: string;
  /** Lower-case, de-duplicated. */
  tags: string[];
  mood: SelfMood | null;
  /** Readable by every signed-in user (anonymously) and open to "helpful" marks; private by default. */
  shared: boolean;
};

export type DiaryCommand =
  | ({ type: 'write'; entry: string } & EntryContent)
  | { type: 'edit'; entry: string; changes: Partial<EntryContent> }
  | { type: 'delete'; entry: string }
  /** Every entry goes (account deletion): one EntryDeleted each. */
  | { type: 'erase' };

export type DiaryEvent =
  | ({ type: 'EntryWritten'; entry: string; at: number } & EntryContent)
  /** Only the fields that changed. */
  | ({ type: 'EntryEdited'; entry: string; at: number } & Partial<EntryContent>)
  | { type: 'EntryDeleted'; entry: string; at: number };

export interface DiaryState {
  /** Live entries, each field's fingerprint (to tell what an edit changes without keeping the text). */
  entries: Record<string, Record<string, string>>;
}

export const entryIdPattern = /^e_[A-Za-z0-9_-]{1,64}$/;
export const tagPattern = /^[\p{L}\p{N}_-]{1,40}$/u;
