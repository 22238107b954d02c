import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import {
  brokenLinks,
  checkRepository,
  labNotes,
  makeTargets,
  undocumentedSettings,
  unknownCommands,
  type Documents,
} from './docs-check.js';
import { anchors, commands, links, slug } from './markdown.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the docs check', () => {
  it('finds nothing wrong with the README and the guides', () => {
    expect(checkRepository(root)).to.deep.equal([]);
  });

  describe('links', () => {
    const files = new Set(['README.md', 'docs/api.md', 'docs/adr', 'LICENSE']);
    const exists = (path: string) => files.has(path);
    const docs = (readme: string): Documents =>
      new Map([
        ['README.md', readme],
        ['docs/api.md', '# API guide\n\n## Errors\n\nSee [the README](../README.md#metachat).\n'],
      ]);

    it('accepts links to files, directories and headings that exist', () => {
      const readme =
        '# MetaChat\n\n## Quick start\n\n[API](docs/api.md#errors), [ADRs](docs/adr/), [license](LICENSE), [up](#quick-start), [web](https://example.com/x.md)\n';
      expect(brokenLinks(docs(readme), { exists })).to.deep.equal([]);
    });

    it('fails on a link to a file that is not there', () => {
      expect(brokenLinks(docs('# MetaChat\n\nRead [the guide](docs/guide.md).\n'), { exists })).to.deep.equal(
        ['README.md:3: docs/guide.md does not exist'],
      );
    });

    it('fails on a link to a heading that is not there', () => {
      expect(brokenLinks(docs('# MetaChat\n\n[errors](docs/api.md#limits)\n'), { exists })).to.deep.equal([
        'README.md:3: docs/api.md#limits has no heading for #limits',
      ]);
      expect(brokenLinks(docs('# Other\n'), { exists })).to.deep.equal([
        'docs/api.md:5: ../README.md#metachat has no heading for #metachat',
      ]);
    });

    it('fails on a link that leaves the repository', () => {
      expect(brokenLinks(docs('# MetaChat\n\n[map](../shared/ARCHITECTURE.md)\n'), { exists })).to.deep.equal(
        ['README.md:3: ../shared/ARCHITECTURE.md points outside the repository'],
      );
    });

    it('reads links in prose only, not in code', () => {
      const text = 'a [b](c.md) `[d](e.md)`\n\n```\n[f](g.md)\n```\n[h]: i.md\n';
      expect(links(text)).to.deep.equal([
        { value: 'c.md', line: 1 },
        { value: 'i.md', line: 6 },
      ]);
    });

    it('names headings as GitHub does', () => {
      expect(slug('Status conditions and what to do')).to.equal('status-conditions-and-what-to-do');
      expect(slug('Local platform (`make dev`)')).to.equal('local-platform-make-dev');
      expect(slug('A 60-second tour')).to.equal('a-60-second-tour');
      expect([...anchors('# A\n## Notes\n## Notes\n```\n# not a heading\n```\n')]).to.deep.equal([
        'a',
        'notes',
        'notes-1',
      ]);
    });
  });

  describe('commands', () => {
    const facts = {
      makeTargets: new Set(['dev', 'test']),
      npmScripts: new Set(['test', 'crds', 'mood:score']),
    };

    it('finds make and npm commands in code, with their arguments and environment', () => {
      const text =
        'Run `make dev`, `npm test` and `npm run --silent mood:score`.\n\n```sh\nMOOD_VALIDATE=1 make model\nnpm ci && npm run -s crds\n# make the room\n```\n';
      expect(commands(text).map((c) => `${c.value.tool} ${c.value.name}`)).to.deep.equal([
        'make dev',
        'npm test',
        'npm mood:score',
        'make model',
        'npm crds',
      ]);
    });

    it('fails on a make target or npm script that does not exist', () => {
      const docs: Documents = new Map([['README.md', '`make dev`, `make tset`\n\n```\nnpm run lint\n```\n']]);
      expect(unknownCommands(docs, facts)).to.deep.equal([
        'README.md:1: `make tset`: no such target in the Makefile',
        'README.md:4: `npm lint`: no such script in package.json',
      ]);
    });

    it('reads the targets of a Makefile', () => {
      const makefile =
        'SHELL := bash\n.PHONY: dev\n$(STAMP): package.json\n\tnpm ci\ndev test: deps\n\t@echo\n';
      expect([...makeTargets(makefile)].sort()).to.deep.equal(['dev', 'test']);
    });
  });

  describe('the guides speak of the project as it is', () => {
    it('fail on issue numbers and dates in the README and the guides, not in history files or code', () => {
      const story = 'Measured 2026-11-30 after issue 4 (see #12).\n\n`2026-12-01` in code is fine.\n';
      const docs: Documents = new Map([
        ['README.md', story],
        ['docs/benchmarks/chat-history.md', story],
        ['docs/adr/0001-x.md', story],
      ]);
      expect(labNotes(docs)).to.deep.equal([
        'README.md:1: "2026-11-30": dates and issue numbers belong in docs/benchmarks/*-history.md',
      ]);
      expect(labNotes(new Map([['docs/api.md', 'Fixed in issue 7.\n']]))).to.have.length(1);
      expect(labNotes(new Map([['docs/api.md', 'One of 2,000 messages; HTTP 404.\n']]))).to.deep.equal([]);
    });
  });

  describe('settings', () => {
    it('fail when a variable a service reads is not in the configuration guide', () => {
      const sources = new Map([
        [
          'services/x/main.ts',
          "a: setting.port('PORT', {}), b: setting.duration(\n 'X_EVERY'), c: { env: 'RATE_LIMITS' }",
        ],
      ]);
      expect(undocumentedSettings(sources, '| `PORT` | `RATE_LIMITS` |')).to.deep.equal([
        'services/x/main.ts: X_EVERY is not in the configuration tables',
      ]);
    });
  });
});
