// Literal word search in MongoDB read models (FerretDB has no text index):
// every word must occur, case-insensitive, regex characters taken literally.

export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A filter where each word of `text` occurs in at least one of `fields`; undefined for no words. */
export function wordsFilter(text: string, fields: string[]): Record<string, unknown> | undefined {
  const words = text.split(/\s+/).filter(Boolean).slice(0, 20);
  if (words.length === 0) return undefined;
  return {
    $and: words.map((word) => ({
      $or: fields.map((field) => ({ [field]: { $regex: escapeRegex(word), $options: 'i' } })),
    })),
  };
}
