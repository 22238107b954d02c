// The docs check (run by `make test` as a unit test): the README and the guides
// link only to what exists in the repository, name only commands that exist,
// show the custom resources' fields as the CRD schemas define them, and
// document every setting a service reads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fieldDocsFile, fieldTableDrift } from '../../operator/src/api/field-docs.js';
import { anchors, commands, links, proseLines } from './markdown.js';

/** Repository-relative path → text, for every document checked. */
export type Documents = Map<string, string>;

/** What the docs are checked against, so tests can give samples instead of the repository. */
export interface Facts {
  /** Whether a repository-relative path exists (a file or a directory). */
  exists(path: string): boolean;
  makeTargets: Set<string>;
  npmScripts: Set<string>;
}

const external = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** Links that leave the repository, point at nothing, or at a heading that is not there. */
export function brokenLinks(docs: Documents, facts: Pick<Facts, 'exists'>): string[] {
  const problems: string[] = [];
  for (const [file, text] of docs) {
    for (const { value: target, line } of links(text)) {
      if (external.test(target)) continue;
      const [pathPart = '', anchor] = target.split('#', 2);
      const path = decodeURIComponent(pathPart);
      const resolved =
        path === ''
          ? file
          : normalize(path.startsWith('/') ? path.slice(1) : join(dirname(file), path)).replace(
              /[\\/]+$/,
              '',
            );
      const where = `${file}:${line}: ${target}`;
      if (resolved === '..' || resolved.startsWith(`..${sep}`))
        problems.push(`${where} points outside the repository`);
      else if (!facts.exists(resolved)) problems.push(`${where} does not exist`);
      else if (anchor && resolved.endsWith('.md')) {
        const targetText = docs.get(resolved);
        if (targetText !== undefined && !anchors(targetText).has(anchor))
          problems.push(`${where} has no heading for #${anchor}`);
      }
    }
  }
  return problems;
}

/** `make` targets and `npm` scripts the docs name that do not exist. */
export function unknownCommands(docs: Documents, facts: Omit<Facts, 'exists'>): string[] {
  const problems: string[] = [];
  for (const [file, text] of docs) {
    for (const { value, line } of commands(text)) {
      const known = value.tool === 'make' ? facts.makeTargets : facts.npmScripts;
      if (!known.has(value.name))
        problems.push(
          `${file}:${line}: \`${value.tool} ${value.name}\`: no such ${value.tool === 'make' ? 'target in the Makefile' : 'script in package.json'}`,
        );
    }
  }
  return problems;
}

/** The README and the guides (not the decision records or the history files) speak of the project as it is. */
export const isGuide = (path: string) => path === 'README.md' || /^docs\/[^/]+\.md$/.test(path);

/** Issue numbers and dated stories in the README and the guides; their place is the history files. */
export function labNotes(docs: Documents): string[] {
  const problems: string[] = [];
  for (const [file, text] of docs) {
    if (!isGuide(file)) continue;
    for (const { value, line } of proseLines(text)) {
      const note = /\b(?:issues? #?\d+|#\d+\b|(?:19|20)\d\d-\d\d(?:-\d\d)?\b)/i.exec(value);
      if (note)
        problems.push(
          `${file}:${line}: "${note[0]}": dates and issue numbers belong in docs/benchmarks/*-history.md`,
        );
    }
  }
  return problems;
}

/** The README is an entry point, not a manual. */
export const readmeMaxLines = 250;

/** The targets a Makefile defines (rules, not variables or pattern rules). */
export function makeTargets(makefile: string): Set<string> {
  const targets = new Set<string>();
  for (const m of makefile.matchAll(/^([A-Za-z0-9_][A-Za-z0-9_.\- ]*?)\s*::?(?!=)/gm))
    for (const name of m[1]!.split(/\s+/)) targets.add(name);
  return targets;
}

/**
 * The environment variables the services and the operator read through their
 * settings (`setting.x('NAME', …)` or `{ env: 'NAME', … }`) that `guide` does not name in code.
 */
export function undocumentedSettings(sources: Map<string, string>, guide: string): string[] {
  const problems: string[] = [];
  for (const [file, text] of sources) {
    for (const m of text.matchAll(/(?:setting\.\w+\(\s*|\benv:\s*)'([A-Z][A-Z0-9_]*)'/g)) {
      if (!guide.includes(`\`${m[1]}\``))
        problems.push(`${file}: ${m[1]} is not in the configuration tables`);
    }
  }
  return problems;
}

/** Markdown files under `dir` (repository-relative), depth first. */
function markdownFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(root, path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** TypeScript sources of services and operator, without tests and test data. */
function settingSources(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' ? [] : settingSources(root, path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

export const configurationGuide = 'docs/operations.md';

/** Every problem the repository's docs have; empty when they are sound. */
export function checkRepository(root: string): string[] {
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const docs: Documents = new Map(
    ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...markdownFiles(root, 'docs')]
      .filter((path) => existsSync(join(root, path)))
      .map((path) => [path, read(path)]),
  );
  const facts: Facts = {
    exists: (path) => existsSync(join(root, path)) && !relative(root, join(root, path)).startsWith('..'),
    makeTargets: makeTargets(read('Makefile')),
    npmScripts: new Set(Object.keys((JSON.parse(read('package.json')) as { scripts: object }).scripts)),
  };
  const sources = new Map(
    [...settingSources(root, 'services'), ...settingSources(root, 'operator/src')].map((path) => [
      path,
      read(path),
    ]),
  );
  return [
    ...brokenLinks(docs, facts),
    ...unknownCommands(docs, facts),
    ...fieldTableDrift(read(fieldDocsFile)).map(
      (problem) => `${fieldDocsFile}: field table ${problem} (run \`npm run crds\`)`,
    ),
    ...undocumentedSettings(sources, read(configurationGuide)),
    ...labNotes(docs),
    ...(read('README.md').split('\n').length > readmeMaxLines
      ? [`README.md: over ${readmeMaxLines} lines; move the detail into a guide in docs/`]
      : []),
  ];
}
