// The little of markdown the docs check reads: links, heading anchors and the
// commands written in code. Hand-rolled on purpose: no markdown parser is among
// the project's packages, and these three need only fences and code spans told
// apart from prose.

/** Where something was found: 1-based line number in its file. */
export interface Found<T> {
  value: T;
  line: number;
}

const fence = /^ {0,3}(`{3,}|~{3,})/;

/** The text with fenced code blocks blanked out (newlines kept, so line numbers stay). */
export function withoutFences(markdown: string): string {
  let open: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = fence.exec(line)?.[1];
      if (open === undefined) {
        if (marker) open = marker[0]!.repeat(marker.length);
        return marker ? '' : line;
      }
      if (marker && marker.startsWith(open)) open = undefined;
      return '';
    })
    .join('\n');
}

/** The contents of the fenced code blocks, each line with its line number. */
export function fencedLines(markdown: string): Found<string>[] {
  const lines: Found<string>[] = [];
  let open: string | undefined;
  markdown.split('\n').forEach((line, i) => {
    const marker = fence.exec(line)?.[1];
    if (open === undefined) {
      if (marker) open = marker[0]!.repeat(marker.length);
    } else if (marker && marker.startsWith(open)) open = undefined;
    else lines.push({ value: line, line: i + 1 });
  });
  return lines;
}

const codeSpan = /(`+)([\s\S]*?[^`])\1(?!`)/g;

/** The inline code spans outside fences, with their line numbers. */
export function codeSpans(markdown: string): Found<string>[] {
  const text = withoutFences(markdown);
  return [...text.matchAll(codeSpan)].map((m) => ({ value: m[2]!.trim(), line: lineAt(text, m.index) }));
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Prose only: fences and code spans blanked out, line numbers kept. */
function prose(markdown: string): string {
  return withoutFences(markdown).replace(codeSpan, (span) => span.replace(/[^\n]/g, ' '));
}

/** The prose lines (fences and code spans blanked out) with their line numbers. */
export function proseLines(markdown: string): Found<string>[] {
  return prose(markdown)
    .split('\n')
    .map((value, i) => ({ value, line: i + 1 }));
}

/** Every link and image target, and every reference definition, in prose. */
export function links(markdown: string): Found<string>[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  const definitions = [...text.matchAll(/^ {0,3}\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:\s|$)/gm)];
  return [...inline, ...definitions]
    .map((m) => ({ value: m[1]!, line: lineAt(text, m.index) }))
    .sort((a, b) => a.line - b.line);
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a document offers: one per heading (repeats numbered as GitHub does) and explicit ids. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of withoutFences(markdown).matchAll(/^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const base = slug(m[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(m[1]!);
  return found;
}

/** A command the docs tell the reader to run. */
export interface Command {
  tool: 'make' | 'npm';
  /** The make target, or the npm script (`test` and `start` for `npm test` and `npm start`). */
  name: string;
}

// A command starts a line or a code span, or follows a shell separator, `$ `,
// or environment assignments (`MOOD_VALIDATE=1 make model`).
const start = String.raw`(?:^|[;&|(]\s*|\$\s+)(?:[A-Z_][A-Z0-9_]*=\S*\s+)*`;
const makeCommand = new RegExp(`${start}make\\s+((?:-\\S+\\s+)*)([a-z][\\w-]*)`, 'gm');
const npmCommand = new RegExp(
  `${start}npm\\s+(?:run(?:-script)?\\s+(?:(?:-s|--silent|--if-present)\\s+)*([\\w:.-]+)|(test|start)\\b)`,
  'gm',
);

/** The `make` and `npm` commands in a document's code (fences and code spans). */
export function commands(markdown: string): Found<Command>[] {
  const code = [...fencedLines(markdown), ...codeSpans(markdown)];
  const found: Found<Command>[] = [];
  for (const { value, line } of code) {
    for (const m of value.matchAll(makeCommand)) found.push({ value: { tool: 'make', name: m[2]! }, line });
    for (const m of value.matchAll(npmCommand))
      found.push({ value: { tool: 'npm', name: (m[1] ?? m[2])! }, line });
  }
  return found.sort((a, b) => a.line - b.line);
}
