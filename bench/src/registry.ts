// Every benchmark by name, in the order `npm run bench` runs them. Each is a module under
// benches/ whose default export is a Benchmark; kv and distributed are written by other engineers
// and may be absent, in which case they are skipped with a line saying so.
import type { Benchmark } from './types.js';

export const BENCHMARKS = ['spawn', 'threads', 'forkjoin', 'tcp', 'compat', 'node-apis', 'http', 'timers', 'memory', 'kv', 'distributed', 'simtest'] as const;

/** The benchmark module, or the reason it cannot be loaded. */
export async function loadBenchmark(name: string): Promise<Benchmark | string> {
  const url = new URL(`./benches/${name}.js`, import.meta.url);
  try {
    const mod = (await import(url.href)) as { default?: Benchmark };
    if (!mod.default || typeof mod.default.run !== 'function') return `bench/src/benches/${name}.ts has no default-exported Benchmark`;
    return mod.default;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { url?: string };
    if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(url.pathname)) {
      return `bench/src/benches/${name}.ts does not exist (yet)`;
    }
    return `bench/src/benches/${name}.ts failed to load: ${e.message.split('\n')[0]}`;
  }
}
