// The API reference: typedoc documents every package's public entries, and every exported symbol carries a doc comment.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { checkDocs, typedEntries } from './typedoc-check.js';
import type { DocsCheck } from './typedoc-check.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'packages', entry.name, 'package.json')))
  .map((entry) => join(ROOT, 'packages', entry.name));

/** The `name` in a package folder's package.json. */
function packageName(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;
}

/** Writes a one-entry package whose source is `source`, the way a package in packages/* is laid out. */
function samplePackage(parent: string, source: string): string {
  const dir = join(parent, 'sample');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: '@sample/pkg', version: '1.0.0', type: 'module',
    exports: { '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' } },
  }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: [],
      rootDir: '.', outDir: 'dist',
    },
    include: ['src'],
  }));
  writeFileSync(join(dir, 'src', 'index.ts'), source);
  return dir;
}

describe('the API reference (typedoc over packages/*)', function () {
  this.timeout(600_000);

  describe('having a package with undocumented exports', () => {
    let dir: string;
    let found: DocsCheck;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rt-docs-'));
      found = await checkDocs(ROOT, [samplePackage(dir, [
        '/** Adds one to `n`. */',
        'export function documented(n: number): number { return n + 1; }',
        'export function bare(n: number): number { return n - 1; }',
        '/** A shape with one documented and one bare field. */',
        'export interface Shape {',
        '  /** Width in pixels. */',
        '  width: number;',
        '  height: number;',
        '}',
        'export const LIMIT = 3;',
        '',
      ].join('\n'))]);
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    it('should name each undocumented symbol and member, and no documented one', () => {
      expect(found.errors).to.deep.equal([]);
      const names = found.undocumented.map((message) => message.split(' ')[0]).sort();
      expect(names).to.deep.equal(['LIMIT', 'Shape.height', 'bare']);
      expect(found.undocumented.join('\n')).to.include('src/index.ts');
    });
  });

  describe('over every package in packages/*', () => {
    let found: DocsCheck;
    let out: string;

    before(async () => {
      out = mkdtempSync(join(tmpdir(), 'rt-api-'));
      found = await checkDocs(ROOT, PACKAGES, out);
    });

    after(() => rmSync(out, { recursive: true, force: true }));

    it('should convert every package without errors', () => {
      expect(found.errors, found.errors.join('\n')).to.deep.equal([]);
      expect([...found.modules.keys()].length).to.equal(PACKAGES.length);
    });

    it("should document each entry of each package's exports", () => {
      for (const dir of PACKAGES) {
        const name = packageName(dir);
        const wanted = typedEntries(dir).map((subpath) => (subpath === '.' ? '.' : subpath.slice(2))).sort();
        expect(found.modules.get(name)?.slice().sort(), `entries documented for ${name}`).to.deep.equal(wanted);
      }
    });

    it('should write an HTML reference whose module index links every package', () => {
      expect(readFileSync(join(out, 'index.html'), 'utf8')).to.include('runtime-traits');
      const index = readFileSync(join(out, 'modules.html'), 'utf8');
      for (const dir of PACKAGES) {
        const name = packageName(dir);
        expect(index, `modules.html links ${name}`).to.match(new RegExp(`href="modules/[^"]+\\.html"[^>]*>${name.replace('/', '\\/')}<`));
      }
    });

    it('should find a doc comment on every exported symbol and member', () => {
      const list = found.undocumented.map((message) => `  ${message}`).join('\n');
      expect(found.undocumented.length, `${found.undocumented.length} exported symbols have no doc comment:\n${list}\n`).to.equal(0);
    });
  });
});
