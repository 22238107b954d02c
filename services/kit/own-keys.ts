// Records keyed by what users choose (member ids, emoji, entry ids, tags):
// a key such as `constructor` or `__proto__` must find nothing but what was
// stored under it, never a property inherited from Object.prototype.

/** The value stored under `key` in `record` itself; undefined when none is, whatever the prototype has. */
export const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** True when `record` itself stores a value under `key`. */
export const hasOwn = (record: Readonly<Record<string, unknown>>, key: string): boolean =>
  Object.hasOwn(record, key);

/** A record built from pairs with every key its own property (`__proto__` included, which `=` would not store). */
export const recordOf = <T>(pairs: Iterable<readonly [string, T]>): Record<string, T> =>
  Object.fromEntries(pairs) as Record<string, T>;
