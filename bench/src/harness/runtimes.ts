// Opens a runtime of this repo by name, or says why it cannot: the runtimes land while the
// benchmarks are written, so every one is imported dynamically and checked before use.
import type { Runtime } from '@runtime-traits/core';

export type RuntimeName = 'node' | 'local' | 'worksteal';

const packages: Record<RuntimeName, { pkg: string; exportName: string }> = {
  node: { pkg: '@runtime-traits/node', exportName: 'NodeRuntime' },
  local: { pkg: '@runtime-traits/local', exportName: 'LocalRuntime' },
  worksteal: { pkg: '@runtime-traits/worksteal', exportName: 'WorkStealingRuntime' },
};

interface RuntimeClass {
  create(opts?: Record<string, unknown>): Promise<Runtime>;
}

/** The module's exports, or a reason it is not usable yet. */
export async function importPackage(pkg: string): Promise<Record<string, unknown> | string> {
  try {
    return (await import(pkg)) as Record<string, unknown>;
  } catch (error) {
    return `${pkg} does not load (${(error as Error).message.split('\n')[0]})`;
  }
}

/** The runtime's class, or a reason it is not available. */
export async function runtimeClass(name: RuntimeName): Promise<RuntimeClass | string> {
  const { pkg, exportName } = packages[name];
  const mod = await importPackage(pkg);
  if (typeof mod === 'string') return mod;
  const cls = mod[exportName] as RuntimeClass | undefined;
  if (cls === undefined || typeof cls.create !== 'function') {
    return `${pkg} does not export ${exportName}.create yet`;
  }
  return cls;
}

/** A started runtime, or a reason it is not available (create() threw, or the package is not built). */
export async function openRuntime(name: RuntimeName, opts?: Record<string, unknown>): Promise<Runtime | string> {
  const cls = await runtimeClass(name);
  if (typeof cls === 'string') return cls;
  try {
    return await cls.create(opts);
  } catch (error) {
    return `${packages[name].exportName}.create() failed (${(error as Error).message.split('\n')[0]})`;
  }
}

/** A named export of a package (e.g. Simulation from @runtime-traits/local), or a reason. */
export async function packageExport<T>(pkg: string, exportName: string): Promise<T | string> {
  const mod = await importPackage(pkg);
  if (typeof mod === 'string') return mod;
  const value = mod[exportName];
  return value === undefined ? `${pkg} does not export ${exportName} yet` : (value as T);
}

/** Shuts a runtime down, bounded so a wedged runtime cannot hang the whole run. */
export async function closeRuntime(rt: Runtime | string | undefined, log?: (m: string) => void): Promise<void> {
  if (rt === undefined || typeof rt === 'string') return;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), 10_000); });
  try {
    const r = await Promise.race([rt.shutdown().then(() => 'ok' as const), limit]);
    if (r === 'timeout') log?.(`    ${rt.name}: shutdown() did not finish within 10 s`);
  } catch (error) {
    log?.(`    ${rt.name}: shutdown() threw ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
