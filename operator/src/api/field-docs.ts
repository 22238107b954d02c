// The field tables of docs/operator.md, generated from the CRD schemas (`npm run crds`
// writes them; the docs check compares them), so the guide cannot drift from the API.
import { allCrds } from './crd.js';

/** The part of a JSON schema the tables read. */
interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: readonly unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

/** One row of a field table: the cells as plain markdown, unpadded. */
export type FieldRow = [field: string, type: string, fallback: string, meaning: string];

export const fieldTableHeader: FieldRow = ['field', 'type', 'default', 'meaning and limits'];

const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;

function typeOf(schema: Schema): string {
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (
    schema.type === 'object' &&
    schema.additionalProperties &&
    typeof schema.additionalProperties === 'object'
  )
    return `map of ${typeOf(schema.additionalProperties)}`;
  return schema.type ?? 'any';
}

/** What the API server enforces on a field, in words, beside its description. */
function meaningOf(schema: Schema): string {
  const limits: string[] = [];
  if (schema.enum) limits.push(`one of ${schema.enum.map((v) => code(String(v))).join(', ')}`);
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    limits.push(`${schema.minimum}–${schema.maximum}`);
  else if (schema.minimum !== undefined) limits.push(`at least ${schema.minimum}`);
  if (schema.minLength !== undefined && schema.maxLength !== undefined)
    limits.push(`${schema.minLength}–${schema.maxLength} characters`);
  else if (schema.maxLength !== undefined) limits.push(`at most ${schema.maxLength} characters`);
  if (schema.maxItems !== undefined) limits.push(`at most ${schema.maxItems} items`);
  const pattern = schema.pattern ?? schema.items?.pattern;
  if (pattern) limits.push(`matches ${code(pattern)}`);
  if (schema.format) limits.push(`format ${schema.format}`);
  for (const { message } of schema['x-kubernetes-validations'] ?? []) limits.push(`refused: "${message}"`);
  const description = schema.description?.replace(/\|/g, '\\|').replace(/\.$/, '');
  return [description, limits.join('; ')].filter(Boolean).join('. ');
}

/**
 * The keys of an object whose properties all share one schema (e.g. one entry
 * per service), so that its table shows that schema once.
 */
function uniformKeys(schema: Schema): string[] | undefined {
  const entries = Object.entries(schema.properties ?? {});
  if (entries.length < 3) return undefined;
  const first = JSON.stringify(entries[0]![1]);
  return entries.every(([, child]) => JSON.stringify(child) === first)
    ? entries.map(([key]) => key)
    : undefined;
}

/** Every field under `schema`, depth first, named by its path from `path`. */
export function fieldRows(schema: Schema, path: string): FieldRow[] {
  const keys = uniformKeys(schema);
  if (keys) {
    const placeholder = `<${path.replace(/^.*\./, '').replace(/s$/, '')}>`;
    const child = schema.properties![keys[0]!]!;
    const meaning = `one entry for each of ${keys.map(code).join(', ')}`;
    return [
      [
        code(`${path}.${placeholder}`),
        typeOf(child),
        '',
        [meaning, meaningOf(child)].filter(Boolean).join('. '),
      ],
      ...fieldRows(child, `${path}.${placeholder}`),
    ];
  }
  const rows: FieldRow[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const childPath = `${path}.${name}`;
    const required = schema.required?.includes(name) ? ' (required)' : '';
    const fallback = child.default === undefined ? '' : code(JSON.stringify(child.default));
    rows.push([`${code(childPath)}${required}`, typeOf(child), fallback, meaningOf(child)]);
    const nested = child.type === 'array' ? child.items : child;
    if (nested?.properties)
      rows.push(...fieldRows(nested, child.type === 'array' ? `${childPath}[]` : childPath));
  }
  return rows;
}

export const renderRow = (row: readonly string[]) => `| ${row.join(' | ')} |`;

export function renderTable(rows: FieldRow[]): string {
  return [
    renderRow(fieldTableHeader),
    renderRow(fieldTableHeader.map(() => '---')),
    ...rows.map(renderRow),
  ].join('\n');
}

/** Table name (as in the guide's markers, e.g. `ChatRoom.spec`) → its rows, for every kind's spec and status. */
export function fieldTables(): Record<string, FieldRow[]> {
  const tables: Record<string, FieldRow[]> = {};
  for (const crd of allCrds) {
    const root = crd.spec.versions[0]!.schema.openAPIV3Schema as Schema;
    for (const part of ['spec', 'status'] as const)
      tables[`${crd.spec.names.kind}.${part}`] = fieldRows(root.properties![part]!, part);
  }
  return tables;
}

const region = /(<!-- fields: ([\w.]+) -->)([\s\S]*?)(<!-- end fields -->)/g;

/** `markdown` with every marked region holding its freshly generated table; an unknown table name throws. */
export function withFieldTables(markdown: string, tables = fieldTables()): string {
  return markdown.replace(region, (_all, open: string, name: string, _old: string, close: string) => {
    const rows = tables[name];
    if (!rows) throw new Error(`no field table named ${name} (known: ${Object.keys(tables).join(', ')})`);
    return `${open}\n\n${renderTable(rows)}\n\n${close}`;
  });
}

/** The cells of a markdown table's rows (separator row left out), however the table is padded. */
export function tableCells(table: string): string[][] {
  return table
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\|/, '')
        .replace(/\|$/, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    )
    .filter((cells) => !cells.every((cell) => /^:?-+:?$/.test(cell)));
}

/**
 * What in `markdown` disagrees with the schemas: tables whose rows differ from
 * what the schemas generate, and tables it lacks. Empty when it is current.
 */
export function fieldTableDrift(markdown: string, tables = fieldTables()): string[] {
  const problems: string[] = [];
  const found = new Set<string>();
  for (const [, , name, body] of markdown.matchAll(region)) {
    found.add(name!);
    const rows = tables[name!];
    if (!rows) problems.push(`${name}: no such table`);
    else if (JSON.stringify(tableCells(body!)) !== JSON.stringify([fieldTableHeader, ...rows]))
      problems.push(`${name}: differs from the CRD schema`);
  }
  for (const name of Object.keys(tables)) if (!found.has(name)) problems.push(`${name}: missing`);
  return problems;
}

/** The guide in which the tables live. */
export const fieldDocsFile = 'docs/operator.md';
