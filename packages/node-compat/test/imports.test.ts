// The package imports @runtime-traits/core (from its kit only argument checks) and node:* — never a runtime package by name.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** What node-compat may take from @runtime-traits/core/kit: argument checks (the kit's task cells and queues are moving out of core). */
const KIT_ALLOWED = new Set(['checkCount', 'checkFunction', 'checkListenAddress', 'checkMs', 'checkOptions', 'DEFAULT_HOST', 'show']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('node-compat imports', () => {
  const files = sources(SRC);
  const imports = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\b(?:import|export)\s+(?:type\s+)?(?:([\w*{}\s,$]+?)\s+from\s+)?['"]([^'"]+)['"]/g)]
    .map((m) => ({ file: relative(SRC, file), names: m[1] ?? '', spec: m[2]! })));

  it('should have sources to check', () => {
    expect(files.length).to.be.greaterThan(5);
  });

  it('should import only @runtime-traits/core, its kit, node:* and its own files', () => {
    const offending = imports
      .filter(({ spec }) => !spec.startsWith('./') && !spec.startsWith('../') && !spec.startsWith('node:')
        && spec !== '@runtime-traits/core' && spec !== '@runtime-traits/core/kit')
      .map(({ file, spec }) => `${file}: ${spec}`);
    expect(offending).to.deep.equal([]);
  });

  it('should take only argument checks from the kit', () => {
    const names = imports.filter(({ spec }) => spec === '@runtime-traits/core/kit')
      .flatMap(({ names }) => names.replace(/[{}]/g, '').split(',').map((n) => n.trim()).filter(Boolean));
    expect(names.filter((n) => !KIT_ALLOWED.has(n))).to.deep.equal([]);
  });
});
