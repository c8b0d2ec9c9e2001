// Where the CLI finds the adapter module: a path, or a package name resolved from the current directory (as `node -e "import('x')"` run there would).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The URL to import for `specifier`, looked up from `cwd` (a package's "exports" read with the import conditions). */
export function resolveAdapter(specifier: string, cwd: string): string {
  if (specifier.startsWith('.') || specifier.startsWith('/') || existsSync(resolve(cwd, specifier))) {
    return pathToFileURL(resolve(cwd, specifier)).href;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return specifier; // file:, data:, node: — already a URL
  const [name, subpath] = splitPackage(specifier);
  const require = createRequire(join(cwd, 'noop.js'));
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string; module?: string };
    const target = pkg.exports === undefined
      ? (subpath === '.' ? pkg.module ?? pkg.main ?? 'index.js' : subpath)
      : exportTarget(pkg.exports, subpath);
    if (target === undefined) throw new Error(`${name} does not export ${subpath === '.' ? 'a main entry' : subpath} for import (package.json "exports")`);
    return pathToFileURL(join(dir, target)).href;
  }
  throw new Error(`cannot find package ${name} from ${cwd} (looked in every node_modules above it)`);
}

function splitPackage(specifier: string): [string, string] {
  const parts = specifier.split('/');
  const length = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, length).join('/');
  const rest = parts.slice(length).join('/');
  return [name, rest ? `./${rest}` : '.'];
}

const CONDITIONS = ['import', 'node', 'default'];

/** The file an "exports" field maps `subpath` to under the import conditions, or undefined. */
function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isMap = typeof exports === 'object' && exports !== null && !Array.isArray(exports)
    && Object.keys(exports).some((key) => key.startsWith('.'));
  if (!isMap) return subpath === '.' ? pick(exports) : undefined;
  const map = exports as Record<string, unknown>;
  if (subpath in map) return pick(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0 || !subpath.startsWith(key.slice(0, star)) || !subpath.endsWith(key.slice(star + 1))) continue;
    const matched = subpath.slice(star, subpath.length - (key.length - star - 1));
    return pick(value)?.replaceAll('*', matched);
  }
  return undefined;
}

function pick(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const found = pick(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof entry === 'object' && entry !== null) {
    for (const [condition, value] of Object.entries(entry)) {
      if (CONDITIONS.includes(condition)) {
        const found = pick(value);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}
