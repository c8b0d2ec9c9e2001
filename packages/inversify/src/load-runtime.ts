// loadRuntime: import only the adapter an application names (from a flag or an env var) and create it.
import type { Runtime, RuntimeOptions } from '@runtime-traits/core';
import { checkOptions } from '@runtime-traits/core/kit';
import { ADAPTERS, RUNTIME_NAMES, isRuntimeName } from './adapters.js';
import type { RuntimeName } from './adapters.js';

/** Options handed to the adapter's `create()`: the common ones plus whatever that adapter takes. */
export type LoadRuntimeOptions = RuntimeOptions & { [option: string]: unknown };

/** How a package is imported; replaceable so tests can simulate an absent package. */
export type Importer = (specifier: string) => Promise<Record<string, unknown>>;

const importPackage: Importer = (specifier) => import(specifier) as Promise<Record<string, unknown>>;

/**
 * Imports the adapter package for `name` (and no other) and returns `await Adapter.create(opts)`.
 *
 * - an unknown name → `RangeError` listing the valid names (a non-string → `TypeError`);
 * - the adapter's package is not installed → an `Error` with code `ERR_RUNTIME_NOT_INSTALLED`
 *   whose message names the package to install.
 */
export function loadRuntime(name: RuntimeName, opts?: LoadRuntimeOptions): Promise<Runtime> {
  return loadRuntimeWith(importPackage, name, opts);
}

/** `loadRuntime` over a given importer. */
export async function loadRuntimeWith(importer: Importer, name: RuntimeName, opts?: LoadRuntimeOptions): Promise<Runtime> {
  checkName(name);
  checkOptions(opts, 'opts'); // the kit's check, as create() makes it: a proxy that throws is a TypeError naming opts too
  const { packageName, exportName } = ADAPTERS[name];
  let mod: Record<string, unknown>;
  try {
    mod = await importer(packageName);
  } catch (error) {
    if (isNotFound(error, packageName)) throw notInstalled(name, packageName, error);
    throw error;
  }
  const adapter = mod[exportName] as { create?: (opts?: LoadRuntimeOptions) => Promise<Runtime> } | undefined;
  if (typeof adapter?.create !== 'function') {
    throw new TypeError(`loadRuntime('${name}'): ${packageName} does not export ${exportName} with a static create()`);
  }
  return adapter.create(opts);
}

function checkName(name: unknown): asserts name is RuntimeName {
  const valid = RUNTIME_NAMES.map((n) => `'${n}'`).join(', ');
  if (typeof name !== 'string') throw new TypeError(`name must be one of ${valid}, got ${typeof name}`);
  if (!isRuntimeName(name)) throw new RangeError(`name must be one of ${valid}, got ${JSON.stringify(name)}`);
}

/** The package itself is missing — not a module it imports (that error must pass through untouched). */
function isNotFound(error: unknown, packageName: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return typeof e === 'object' && e !== null
    && (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND')
    && typeof e.message === 'string' && e.message.includes(`'${packageName}'`);
}

function notInstalled(name: string, packageName: string, cause: unknown): Error {
  const error = new Error(
    `loadRuntime('${name}'): the runtime package ${packageName} is not installed. Install it with: npm install ${packageName}`,
    { cause },
  ) as Error & { code: string; packageName: string };
  error.code = 'ERR_RUNTIME_NOT_INSTALLED';
  error.packageName = packageName;
  return error;
}
