// defineTask: how a function becomes portable — a named export that any thread can import by URL.
import type { Awaitable, TaskContext, TaskDef } from './executor.js';

/**
 * Declares a portable task. Export the result under `name` from the module at `module`
 * (pass `import.meta.url`), so a worker thread or another machine can import it.
 *
 * ```ts
 * export const fib = defineTask(import.meta.url, 'fib', (cx, n: number): number => ...);
 * ```
 */
export function defineTask<A extends unknown[], R>(
  module: string,
  name: string,
  fn: (cx: TaskContext, ...args: A) => Awaitable<R>,
): TaskDef<A, R> {
  if (typeof module !== 'string' || module === '') {
    throw new TypeError(`defineTask: module must be a module URL (import.meta.url), got ${describe(module)}`);
  }
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`defineTask: name must be the export's name, got ${describe(name)}`);
  }
  if (typeof fn !== 'function') {
    throw new TypeError(`defineTask: fn must be a function, got ${describe(fn)}`);
  }
  return Object.freeze({ module, name, fn });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
