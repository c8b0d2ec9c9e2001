// The example libraries stay runtime-agnostic: their sources import only core, inversify and relative files.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const LIBRARIES = ['examples/echo/src/lib', 'examples/kv-server/src/lib', 'examples/parallel/src/lib', 'examples/showcase/src/lib', 'examples/retry-client/src/lib'];
const ALLOWED = new Set(['@runtime-traits/core', 'inversify']);

/** Every module specifier a TypeScript source names: static and dynamic imports, re-exports, require. */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s+)?from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('example libraries', () => {
  describe('the import scanner', () => {
    it('should see static, type-only, side-effect, dynamic and re-export imports', () => {
      const source = [
        "import net from 'node:net';",
        "import type { X } from '@runtime-traits/node';",
        "import 'reflect-metadata';",
        "export { a } from './a.js';",
        "const w = await import('@runtime-traits/worksteal');",
        "import {\n  inject,\n  injectable,\n} from 'inversify';",
      ].join('\n');
      expect(specifiers(source).sort()).to.deep.equal(
        ['./a.js', '@runtime-traits/node', '@runtime-traits/worksteal', 'inversify', 'node:net', 'reflect-metadata'].sort());
    });
  });

  for (const library of LIBRARIES) {
    describe(library, () => {
      const files = sources(join(root, library));

      it('should have sources to check', () => {
        expect(files.length).to.be.greaterThan(0);
      });

      it('should import only @runtime-traits/core, inversify and its own files', () => {
        const offending = files.flatMap((file) => specifiers(readFileSync(file, 'utf8'))
          .filter((spec) => !spec.startsWith('./') && !spec.startsWith('../') && !ALLOWED.has(spec))
          .map((spec) => `${relative(root, file)}: ${spec}`));
        expect(offending).to.deep.equal([]);
      });

      it('should not reach outside its lib folder with relative imports', () => {
        const escaping = files.flatMap((file) => specifiers(readFileSync(file, 'utf8'))
          .filter((spec) => spec.startsWith('.') && !join(file, '..', spec).startsWith(join(root, library)))
          .map((spec) => `${relative(root, file)}: ${spec}`));
        expect(escaping).to.deep.equal([]);
      });
    });
  }
});
