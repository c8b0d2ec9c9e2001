// defineTask: how a function becomes portable — a task any thread can find by its module's URL and its name.
//
// HOW a task is found on another thread (or after a bundler merged modules): every defineTask call
// records its def in a per-realm registry keyed by `module#name`. A worker imports `def.module`, which
// runs the same defineTask call there, then looks the key up (resolveTask in the kit). Export names
// play no part, so a bundler may rename or drop exports; it must only keep the module a worker
// imports free of the app's start-up code (README: "Bundling").
//
// The registry lives on globalThis under a Symbol.for key, so two copies of this package in one realm
// (an app bundled with its own copy, a library with another) share it.
import type { Awaitable, TaskContext, TaskDef } from './executor.js';

type AnyDef = TaskDef<unknown[], unknown>;

/** Two different defs under one key: a bundler merged two modules that use the same task name. */
interface Clash { readonly clash: [AnyDef, AnyDef] }

const REGISTRY_KEY = Symbol.for('@runtime-traits/core/task-registry');

function registry(): Map<string, AnyDef | Clash> {
  const holder = globalThis as { [REGISTRY_KEY]?: Map<string, AnyDef | Clash> };
  return (holder[REGISTRY_KEY] ??= new Map());
}

/**
 * Declares a portable task. Call it at the top level of the module at `module` (pass
 * `import.meta.url`), so that a worker thread or another machine importing that module defines the
 * same task; export it too, for your own callers.
 *
 * ```ts
 * export const fib = defineTask(import.meta.url, 'fib', (cx, n: number): number => ...);
 * ```
 *
 * @param module The defining module's URL: pass `import.meta.url`.
 * @param name The task's name, unique within its module (the export name, by convention).
 * @param fn The body: `(cx, ...args)`, returning the result or a promise of it.
 * @returns A frozen `TaskDef` to pass to `spawn`, `spawnBlocking` or `join`.
 * @throws TypeError when `module` or `name` is not a non-empty string, or `fn` is not a function.
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
    throw new TypeError(`defineTask: name must be the task's name, got ${describe(name)}`);
  }
  if (typeof fn !== 'function') {
    throw new TypeError(`defineTask: fn must be a function, got ${describe(fn)}`);
  }
  const def = Object.freeze({ module, name, fn });
  const key = `${module}#${name}`;
  const tasks = registry();
  const earlier = tasks.get(key);
  if (earlier === undefined) tasks.set(key, def as AnyDef);
  else if (!('clash' in earlier)) tasks.set(key, { clash: [earlier, def as AnyDef] });
  return def;
}

/**
 * The def that `defineTask(module, name, …)` made in this realm, or undefined if no such call ran.
 * Throws a TypeError when two different tasks were defined under the same module and name (what a
 * bundler that merged two task modules into one file produces): neither could be found by a worker.
 */
export function lookupTask(module: string, name: string): TaskDef<unknown[], unknown> | undefined {
  const found = registry().get(`${module}#${name}`);
  if (found === undefined || !('clash' in found)) return found;
  throw new TypeError(`two tasks are defined as ${JSON.stringify(name)} in ${module} (a bundler merged their modules?); `
    + 'give each task a name of its own within its module');
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
