/**
 * What a user sees of a message or message event by someone they blocked:
 * the sequence stays (no holes in history), the text goes, and so does its
 * mood score (which tells what the text said).
 */
export function hideBlocked<T extends Record<string, unknown>>(blocked: ReadonlySet<string>, item: T): T {
  if (blocked.size === 0 || typeof item.text !== 'string') return item;
  const author = item.type === 'MessageEdited' ? item.by : item.author;
  if (typeof author !== 'string' || !blocked.has(author)) return item;
  const { moodScore: _score, ...rest } = item;
  return { ...rest, text: '', hidden: 'blocked' } as unknown as T;
}
