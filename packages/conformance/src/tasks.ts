// Portable tasks the suite spawns: each a named export, so any thread (a worker, a machine) can import this module by URL.
//
// This module must stay importable on its own: it imports only @runtime-traits/core.
/**
 * `@runtime-traits/conformance/tasks`: the portable tasks the suite spawns, importable on any thread.
 * @module
 */
import { optionalBuiltin } from './host.js';
import { defineTask, NetError, RuntimeError, TimeoutError, type TaskContext, type TaskDef } from '@runtime-traits/core';

/** a + b. */
export const add = defineTask(import.meta.url, 'add', (_cx: TaskContext, a: number, b: number): number => a + b);

/** Returns its argument: proves arguments and results survive the trip (structured clone where there is one). */
export const echo = defineTask(import.meta.url, 'echo', (_cx: TaskContext, value: unknown): unknown => value);

/** Async variant of add: resolves after one turn, so the task is observably running first. */
export const addLater = defineTask(import.meta.url, 'addLater', async (cx: TaskContext, a: number, b: number): Promise<number> => {
  await cx.runtime.executor.yieldNow();
  return a + b;
});

/** The kinds of error `failWith` can throw. */
export type FailKind = 'TypeError' | 'RangeError' | 'Error' | 'ErrorWithCode' | 'NetError' | 'TimeoutError' | 'RuntimeError';

/** Throws the error named by `kind`, with `message` (and `code` where the kind has one). */
export const failWith = defineTask(import.meta.url, 'failWith', (_cx: TaskContext, kind: FailKind, message: string, code?: string): never => {
  switch (kind) {
    case 'TypeError': throw new TypeError(message);
    case 'RangeError': throw new RangeError(message);
    case 'Error': throw new Error(message);
    case 'ErrorWithCode': throw Object.assign(new Error(message), { code });
    case 'NetError': throw new NetError(code ?? 'ECONNRESET', message);
    case 'TimeoutError': throw new TimeoutError(message);
    case 'RuntimeError': throw new RuntimeError(message, code ?? 'E_CUSTOM');
  }
});

/** Rejects (asynchronously) with a TypeError. */
export const failLater = defineTask(import.meta.url, 'failLater', async (cx: TaskContext, message: string): Promise<never> => {
  await cx.runtime.executor.yieldNow();
  throw new TypeError(message);
});

/** Sleeps `ms` on its own runtime's clock, honouring cancellation; returns [start, end] as read from that clock. */
export const sleepFor = defineTask(import.meta.url, 'sleepFor', async (cx: TaskContext, ms: number): Promise<[number, number]> => {
  const clock = cx.runtime.reactor.clock;
  const start = clock.now();
  await clock.sleep(ms, { signal: cx.signal });
  return [start, clock.now()];
});

/** Waits until cancelled, then RETURNS normally with `result`: a cancelled handle must reject anyway. */
export const untilCancelled = defineTask(import.meta.url, 'untilCancelled', (cx: TaskContext, result: string): Promise<string> => {
  return new Promise((resolve) => {
    if (cx.signal.aborted) resolve(result);
    else cx.signal.addEventListener('abort', () => resolve(result), { once: true });
  });
});

/** What the task sees of its context: whether the signal is aborted and what cx.runtime looks like. */
export const inspectContext = defineTask(import.meta.url, 'inspectContext', (cx: TaskContext) => ({
  /** Whether `cx.signal` was already aborted when the task started. */
  aborted: cx.signal.aborted,
  /** Whether `cx.signal` looks like an AbortSignal. */
  hasSignal: typeof cx.signal?.addEventListener === 'function',
  /** `cx.runtime.name`, or null when it is not a string. */
  runtimeName: typeof cx.runtime?.name === 'string' ? cx.runtime.name : null,
  /** Whether `cx.runtime.executor.spawn` is a function. */
  hasExecutor: typeof cx.runtime?.executor?.spawn === 'function',
  /** Whether `cx.runtime.reactor.clock.now` is a function. */
  hasClock: typeof cx.runtime?.reactor?.clock?.now === 'function',
  /** cx.worker: absent off a pool worker, else the worker's index. */
  worker: cx.worker === undefined ? 'undefined' : Number.isInteger(cx.worker) && cx.worker >= 0 ? 'index' : `bad: ${String(cx.worker)}`,
}));

/** Spawns `add` through cx.runtime from inside a task and returns its result. */
export const spawnNested = defineTask(import.meta.url, 'spawnNested', async (cx: TaskContext, a: number, b: number): Promise<number> => {
  return await cx.runtime.executor.spawn(add, [a, b]);
});

/** The id of the thread running the task (0 = main thread), read without a static node: import. */
export const threadId = defineTask(import.meta.url, 'threadId', async (): Promise<number> => {
  const workerThreads = await optionalBuiltin<{ threadId: number }>('worker_threads');
  return workerThreads?.threadId ?? 0;
});

/** Where the task runs: "<process id>:<thread id>" (distinct for every thread of every process). */
export const whereAmI = defineTask(import.meta.url, 'whereAmI', async (): Promise<string> => {
  const workerThreads = await optionalBuiltin<{ threadId: number }>('worker_threads');
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  return `${pid}:${workerThreads?.threadId ?? 0}`;
});

/** Synchronous Fibonacci, the classic join workload. */
export const fib = defineTask(import.meta.url, 'fib', (_cx: TaskContext, n: number): number => fibonacci(n));

function fibonacci(n: number): number {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

/**
 * Marks slot 0 of a shared Int32Array 1 on entry, blocks the thread `ms` (Atomics.wait), marks it 2 and returns 2.
 * Lets a caller see from shared memory whether the body never ran (0), is running (1) or finished (2).
 */
export const markAndBlock = defineTask(import.meta.url, 'markAndBlock', (_cx: TaskContext, shared: SharedArrayBuffer, ms: number): number => {
  const cells = new Int32Array(shared);
  Atomics.store(cells, 0, 1);
  Atomics.wait(cells, 1, 0, ms); // nobody notifies slot 1: this is a synchronous block of ms
  Atomics.store(cells, 0, 2);
  return 2;
});

/** Returns a promise: join must refuse it with a TypeError (join is synchronous). */
export const returnsPromise = defineTask(import.meta.url, 'returnsPromise', (_cx: TaskContext, n: number): Promise<number> => Promise.resolve(n));

/** `n` bytes where byte i is (i * 7 + seed) & 255. */
export const makeBytes = defineTask(import.meta.url, 'makeBytes', (_cx: TaskContext, n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + seed) & 255;
  return out;
});

/** Sum of the bytes of an ArrayBuffer (used with SpawnOptions.transfer). */
export const sumBuffer = defineTask(import.meta.url, 'sumBuffer', (_cx: TaskContext, buffer: ArrayBuffer): number => {
  let sum = 0;
  for (const byte of new Uint8Array(buffer)) sum += byte;
  return sum;
});

/**
 * Defined under a name that is not its export name, as after a bundler renamed the export: every
 * runtime must still find it (by module and name, in the task registry), on every thread.
 */
export const renamed = defineTask(import.meta.url, 'definedUnderAnotherName', (_cx: TaskContext, n: number): number => n + 100);

/**
 * Made by hand under a name this module neither defines nor exports: spawning it must reject with a
 * TypeError naming the name ('neverDefinedHere').
 */
export const undefinedHere: TaskDef<[], number> = Object.freeze({ module: import.meta.url, name: 'neverDefinedHere', fn: (): number => 1 });

/**
 * Made by hand, naming a module that does not exist: spawning it must reject with a TypeError. (A def
 * made by defineTask is found in this realm's registry without an import, so only a hand-made def, or
 * one that crossed from another thread, shows what an unimportable module does.)
 */
export const missingModule: TaskDef<[], number> = Object.freeze({
  module: new URL('./no-such-module-for-conformance.js', import.meta.url).href, name: 'missingModule', fn: (): number => 1,
});

/** The runtime's now(), read on whatever thread the task runs on. */
export const clockNow = defineTask(import.meta.url, 'clockNow', (cx: TaskContext): number => cx.runtime.reactor.clock.now());

/** [this task's now(), the now() of a task it spawns through cx.runtime] (on worksteal, a worker spawning onto the pool). */
export const clockNowNested = defineTask(import.meta.url, 'clockNowNested', async (cx: TaskContext): Promise<[number, number]> => {
  const own = cx.runtime.reactor.clock.now();
  return [own, await cx.runtime.executor.spawn(clockNow, [])];
});
