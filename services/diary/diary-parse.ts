import { cleanText, InvalidField, onlyFields, parseWith, type Raw } from '../actors/command-fields.js';
import { reject, type Rejection } from '../actors/types.js';
import {
  diaryLimits,
  entryIdPattern,
  tagPattern,
  type DiaryCommand,
  type DiaryEvent,
  type EntryContent,
  type SelfMood,
} from './diary-model.js';

function entryId(value: unknown): string {
  if (typeof value !== 'string' || !entryIdPattern.test(value))
    throw new InvalidField('entry', 'entry must be an entry id');
  return value;
}

function tags(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > diaryLimits.tagsMax)
    throw new InvalidField('tags', `tags must be a list of at most ${diaryLimits.tagsMax} tags`);
  const normal = value.map((tag, i) => {
    if (typeof tag !== 'string' || !tagPattern.test(tag))
      throw new InvalidField(`tags[${i}]`, `tags[${i}] must be 1-40 letters, digits, _ or -`);
    return tag.toLowerCase();
  });
  return [...new Set(normal)];
}

function mood(value: unknown): SelfMood | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || (value as number) < -2 || (value as number) > 2)
    throw new InvalidField('mood', 'mood must be a whole number from -2 to 2, or null');
  return value as SelfMood;
}

function shared(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidField('shared', 'shared must be true or false');
  return value;
}

const title = (value: unknown) => (value === '' ? '' : cleanText(value, 'title', diaryLimits.titleMax));

/** The content fields present in `raw`, checked. */
function content(raw: Raw): Partial<EntryContent> {
  return {
    ...(raw.title !== undefined ? { title: title(raw.title) } : {}),
    ...(raw.text !== undefined ? { text: cleanText(raw.text, 'text', diaryLimits.textMax) } : {}),
    ...(raw.tags !== undefined ? { tags: tags(raw.tags) } : {}),
    ...(raw.mood !== undefined ? { mood: mood(raw.mood) } : {}),
    ...(raw.shared !== undefined ? { shared: shared(raw.shared) } : {}),
  };
}

function parse(raw: Raw): DiaryCommand {
  const fields = ['type', 'entry', 'title', 'text', 'tags', 'mood', 'shared'];
  switch (raw.type) {
    case 'write': {
      onlyFields(raw, fields);
      if (raw.text === undefined) throw new InvalidField('text', 'text is required');
      return {
        type: 'write',
        entry: entryId(raw.entry),
        title: '',
        tags: [],
        mood: null,
        shared: false,
        ...content(raw),
      } as DiaryCommand;
    }
    case 'edit': {
      onlyFields(raw, fields);
      const changes = content(raw);
      if (Object.keys(changes).length === 0)
        throw new InvalidField('text', 'give at least one of title, text, tags, mood, shared');
      return { type: 'edit', entry: entryId(raw.entry), changes };
    }
    case 'delete':
      onlyFields(raw, ['type', 'entry']);
      return { type: 'delete', entry: entryId(raw.entry) };
    case 'erase':
      onlyFields(raw, ['type']);
      return { type: 'erase' };
    default:
      throw new InvalidField('type', 'type must be write, edit, delete or erase');
  }
}

export const parseDiaryCommand = (raw: unknown): DiaryCommand | Rejection => parseWith(raw, parse);

/** Checks a stored event's shape before it is folded. */
export function parseDiaryEvent(raw: unknown): DiaryEvent | Rejection {
  const e = raw as Partial<DiaryEvent> | null;
  if (!e || typeof e.entry !== 'string' || typeof e.at !== 'number')
    return reject('invalid_event', 'malformed diary event');
  if (e.type === 'EntryDeleted') return e as DiaryEvent;
  if (e.type !== 'EntryWritten' && e.type !== 'EntryEdited')
    return reject('invalid_event', 'unknown diary event type');
  const c = e as Partial<EntryContent>;
  const written = e.type === 'EntryWritten';
  if (
    (written || c.text !== undefined ? typeof c.text !== 'string' : false) ||
    (written || c.title !== undefined ? typeof c.title !== 'string' : false) ||
    (written || c.tags !== undefined ? !Array.isArray(c.tags) : false)
  )
    return reject('invalid_event', `${e.type} has malformed content`);
  return e as DiaryEvent;
}
