import { reject, type ActorType } from '../actors/types.js';
import {
  diaryLimits,
  type DiaryCommand,
  type DiaryEvent,
  type DiaryState,
  type EntryContent,
} from './diary-model.js';
import { parseDiaryCommand, parseDiaryEvent } from './diary-parse.js';

/** A short fingerprint of each content field (FNV-1a of its JSON). */
function fingerprints(content: Partial<EntryContent>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(content).map(([field, value]) => {
      const json = JSON.stringify(value);
      let hash = 0x811c9dc5;
      for (let i = 0; i < json.length; i++) hash = Math.imul(hash ^ json.charCodeAt(i), 0x01000193) >>> 0;
      return [field, `${json.length}:${hash.toString(36)}`];
    }),
  );
}

/** The diary actor: one per user (its id is the user id). Pure. */
export const diaryActor: ActorType<DiaryState, DiaryCommand, DiaryEvent, never, { entry: string }> = {
  name: 'diary',
  initialState: () => ({ entries: {} }),
  parseCommand: parseDiaryCommand,
  parseEvent: parseDiaryEvent,

  decide(state, command, { at }) {
    if (command.type === 'erase')
      return Object.keys(state.entries).map((entry) => ({ type: 'EntryDeleted' as const, entry, at }));
    const current = state.entries[command.entry];
    switch (command.type) {
      case 'write': {
        if (current) return reject('entry_exists', 'an entry with this id exists');
        if (Object.keys(state.entries).length >= diaryLimits.entriesMax)
          return reject('diary_full', `a diary holds at most ${diaryLimits.entriesMax} entries`);
        const { type: _, ...entry } = command;
        return [{ type: 'EntryWritten', ...entry, at }];
      }
      case 'edit': {
        if (!current) return reject('entry_not_found', 'no such entry');
        const changed = fingerprints(command.changes);
        const changes = Object.fromEntries(
          Object.entries(command.changes).filter(([field]) => changed[field] !== current[field]),
        ) as Partial<EntryContent>;
        // An edit that changes nothing is accepted and records nothing.
        return Object.keys(changes).length === 0
          ? []
          : [{ type: 'EntryEdited', entry: command.entry, ...changes, at }];
      }
      case 'delete':
        if (!current) return reject('entry_not_found', 'no such entry');
        return [{ type: 'EntryDeleted', entry: command.entry, at }];
    }
  },

  evolve(state, event) {
    const entries = { ...state.entries };
    if (event.type === 'EntryDeleted') delete entries[event.entry];
    else {
      const { type: _, entry, at: __, ...content } = event;
      entries[entry] = { ...entries[entry], ...fingerprints(content) };
    }
    return { entries };
  },

  reply: (_state, events) => ({ entry: events[0]?.entry ?? '' }),
};
