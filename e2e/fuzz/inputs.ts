import fc from 'fast-check';

// Generated inputs for the fuzz suite: valid values read off an OpenAPI or
// frame schema, boundary values, and the hostile inputs services must answer
// with a 4xx (never a 5xx, never a crash).

export interface Schema {
  type?: string | string[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
}

/** Strings that break naive parsing, matching, storage or display. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\ud800',
    'a\udfffb',
    '\u202eevil\u202c',
    'zero\u200bwidth\u200d',
    '\ufeff',
    '👩‍👩‍👧‍👦🏳️‍🌈',
    '\u0000',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'a.b',
    'a*',
    '>',
    'a b',
    'r_1.*',
    'r_1.>',
    '..',
    '../../etc/passwd',
    '%00',
    '%2e%2e',
    '$gt',
    '{"$gt":""}',
    'null',
    'undefined',
    'NaN',
    '-1',
    '0',
    '1e309',
    '9007199254740993',
    '<script>alert(1)</script>',
    "'; DROP TABLE users; --",
    'e_',
    'r_',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(64, 65, 4000, 4001, 20_001, 100_000).map((n) => 'x'.repeat(n)),
);

/** Values of a type nobody expects where they are sent. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31),
    fc.constantFrom({ $gt: '' }, { $where: 'sleep(1000)' }, { $ne: null }, { $regex: '.*' }, { $in: [] }),
    fc.constantFrom({ __proto__: { admin: true } }, JSON.parse('{"__proto__":{"polluted":1}}') as object, {
      constructor: { prototype: { polluted: 1 } },
    }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** An array or object nested `depth` levels deep. */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 50, max: 1000 }), fc.boolean())
  .map(
    ([depth, arrays]) =>
      JSON.parse(
        arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      ) as unknown,
  );

const typeOf = (schema: Schema) => (Array.isArray(schema.type) ? schema.type[0] : schema.type);

/** A value the schema accepts (or close to its edges). */
export function validValue(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (typeOf(schema)) {
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items ?? {}), { maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object':
      return objectFor(schema);
    default:
      return schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern, 'u'))
        : fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
  }
}

/** A value for a schema: valid, from a fixed pool of known-good values (real ids), or hostile. */
export function anyValue(schema: Schema, known: readonly unknown[] = []): fc.Arbitrary<unknown> {
  return fc.oneof(
    validValue(schema),
    hostileValue,
    ...(known.length ? [fc.constantFrom(...known), fc.constantFrom(...known)] : []),
  );
}

/** An object for a schema: some properties valid, some hostile, some missing, some extra. */
export function objectFor(
  schema: Schema,
  known: Record<string, readonly unknown[]> = {},
): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const entries = Object.fromEntries(
    Object.entries(properties).map(([name, s]) => [name, anyValue(s, known[name])]),
  );
  return fc
    .tuple(
      fc.record(entries, { requiredKeys: [] }),
      fc.dictionary(
        fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', '$where')),
        hostileValue,
        {
          maxKeys: 2,
        },
      ),
    )
    .map(([own, extra]) => ({ ...extra, ...own }));
}

/** A request body for a schema: mostly objects of its shape, sometimes anything at all. */
export function bodyFor(schema: Schema | undefined, known: Record<string, readonly unknown[]>) {
  return fc.oneof(
    { weight: 6, arbitrary: schema ? objectFor(schema, known) : fc.constant({}) },
    { weight: 1, arbitrary: hostileValue },
    { weight: 1, arbitrary: deeplyNested },
  );
}

/** A raw body that is not JSON, or JSON that is too big. */
export const rawBody = fc.constantFrom(
  '{',
  '{"a":',
  'not json',
  '\u0000',
  '[]]',
  '{"text":"' + 'x'.repeat(2_000_000) + '"}',
);
