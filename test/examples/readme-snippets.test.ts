// README code is real code: every block marked `<!-- snippet: <file> -->` must appear, line for line, in that file.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run-app.js';

const READMES = [
  'README.md',
  'packages/inversify/README.md',
  'packages/kit/README.md',
  'packages/local/README.md',
  'packages/node-compat/README.md',
  'examples/retry-client/README.md',
  'examples/echo/README.md',
  'examples/kv-server/README.md',
  'examples/parallel/README.md',
  'examples/showcase/README.md',
  'examples/node-compat/README.md',
  'examples/sim-http/README.md',
];

interface Snippet { file: string; code: string }

function snippets(markdown: string): Snippet[] {
  const found: Snippet[] = [];
  for (const match of markdown.matchAll(/<!-- snippet: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) {
    found.push({ file: match[1]!, code: match[2]! });
  }
  return found;
}

describe('README snippets', () => {
  for (const readme of READMES) {
    describe(readme, () => {
      const all = snippets(readFileSync(join(ROOT, readme), 'utf8'));

      it('should have at least one snippet taken from a real file', () => {
        expect(all.length).to.be.greaterThan(0);
      });

      all.forEach(({ file, code }, i) => {
        it(`should quote ${file} verbatim (snippet ${i + 1})`, () => {
          expect(existsSync(join(ROOT, file)), `${file} exists`).to.equal(true);
          expect(readFileSync(join(ROOT, file), 'utf8')).to.contain(code);
        });
      });
    });
  }
});
