// The local runtime needs no Node: its built code imports only core, and it runs in a bare JS context.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The packages local may import: portable themselves (no Node built-ins), checked in the vm below. */
const PORTABLE = new Set(['@runtime-traits/core', '@runtime-traits/core/kit', '@runtime-traits/kit']);
const builtSrc = resolve(here, '../src'); // dist/test → dist/src

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

function specifiers(text: string): string[] {
  const source = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, ''); // comments name things too
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm, // static import/export ... from
    /^\s*import\s*['"]([^'"]+)['"]/gm, // import for side effects
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // dynamic import
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

function runInVm(hook: string): Promise<{ seen: Record<string, unknown>; modules: number }> {
  const host = join(here, 'fixtures', 'vm-host.js');
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, ['--experimental-vm-modules', '--no-warnings', host, hook], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`vm host failed: ${stderr || error.message}`));
      else resolvePromise(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

describe('@runtime-traits/local without Node', () => {
  describe('its built output', () => {
    it('imports only relative files, @runtime-traits/core, @runtime-traits/core/kit and @runtime-traits/kit', () => {
      const files = jsFiles(builtSrc);
      expect(files.length).to.be.greaterThan(10);
      const foreign = files.flatMap((file) => specifiers(readFileSync(file, 'utf8'))
        .filter((s) => !s.startsWith('./') && !s.startsWith('../') && !PORTABLE.has(s))
        .map((s) => `${file}: ${s}`));
      expect(foreign).to.deep.equal([]);
    });

    it('names no Node global (process, require, Buffer, setImmediate is only looked up on globalThis)', () => {
      const offenders = jsFiles(builtSrc).filter((file) => /\b(process\.|require\(|Buffer\.|__dirname)/.test(readFileSync(file, 'utf8')));
      expect(offenders).to.deep.equal([]);
    });
  });

  for (const hook of ['setTimeout', 'MessageChannel']) {
    describe(`in a node:vm context with only JS globals, AbortController and ${hook}`, () => {
      it('sleeps an hour of virtual time, serves TCP on loopback and runs a two-host simulation', async function () {
        this.timeout(60_000);
        const { seen, modules } = await runInVm(hook);
        expect(modules).to.be.greaterThan(10);
        expect(seen.globals).to.deep.equal([]);
        const local = seen.local as { now: number; back: number[]; end: unknown };
        expect(local.now).to.equal(3_600_000);
        expect(local.back).to.deep.equal([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f]); // 'héllo' in UTF-8, without TextEncoder
        expect(local.end).to.equal(null);
        const sim = seen.sim as { bytes: number; now: number };
        expect(sim.bytes).to.equal(4);
        expect(sim.now).to.be.greaterThan(0);
        expect(seen.traceHash).to.match(/^[0-9a-f]{16}$/);
      });
    });
  }
});
