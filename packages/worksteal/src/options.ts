// WorkStealingRuntime's options: what they mean, their defaults, and the checks every one of them gets.
import type { ResourceLimits } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { RuntimeOptions } from '@runtime-traits/core';
import { checkCount, checkFunction, checkOptions, show } from '@runtime-traits/core/kit';
import type { LayoutConfig } from './memory/layout.js';

/** Options of `WorkStealingRuntime.create()`; invalid values throw `TypeError`/`RangeError` naming the option. */
export interface WorkStealingRuntimeOptions extends RuntimeOptions {
  /** Stealing worker threads (1–256). Default: the number of cores. */
  workers?: number;
  /**
   * Default true. False: thread-per-core — a task runs on the worker it was placed on (spawnOn, the
   * round robin of spawn from outside, or the spawning worker itself) and never migrates, so it may
   * keep per-thread state; each worker gets a placement queue (workers × the injector's size).
   */
  stealing?: boolean;
  /** Threads for spawnBlocking (1–256), started on first use. Default 2. */
  blockingThreads?: number;
  /** Capacity of each worker's deque (a power of two from 2 to 65536). Default 256; tests use 4. */
  queueCapacity?: number;
  /** Passed to every worker thread (a worker over its heap limit dies and is replaced). */
  resourceLimits?: ResourceLimits;
  /** Looks at the queues before a worker parks (0–2^20). Default 64. */
  spinCount?: number;
  /** Tasks the main thread can have in shared slots at once (more wait in a backlog; at most 2^18). Default 16384. */
  mainSlots?: number;
  /** Tasks each worker can have in shared slots at once (more run on that worker only; at most 2^16). Default 4096. */
  workerSlots?: number;
}

/** Most worker (and blocking) threads one runtime starts. */
const MAX_THREADS = 256;

/** The checked options: the shared-memory layout's sizes and the rest. */
export interface Settings {
  layout: LayoutConfig;
  spinCount: number;
  options: WorkStealingRuntimeOptions;
}

/** Checks `opts` (TypeError/RangeError naming the option) and fills in the defaults. */
export function settingsOf(opts: unknown): Settings {
  const o = checkOptions<WorkStealingRuntimeOptions>(opts, 'opts') ?? {};
  // Upper bounds keep a mistaken count from starting thousands of threads or allocating gigabytes.
  const workers = o.workers === undefined ? Math.max(1, availableParallelism()) : checkCount(o.workers, 'opts.workers', 1, MAX_THREADS);
  const blocking = o.blockingThreads === undefined ? 2 : checkCount(o.blockingThreads, 'opts.blockingThreads', 1, MAX_THREADS);
  const queueCapacity = o.queueCapacity === undefined ? 256 : checkCount(o.queueCapacity, 'opts.queueCapacity', 2, 1 << 16);
  if ((queueCapacity & (queueCapacity - 1)) !== 0) throw new RangeError(`opts.queueCapacity must be a power of two, got ${queueCapacity}`);
  const spinCount = o.spinCount === undefined ? 64 : checkCount(o.spinCount, 'opts.spinCount', 0, 1 << 20);
  const mainSlots = o.mainSlots === undefined ? 16384 : checkCount(o.mainSlots, 'opts.mainSlots', 1, 1 << 18);
  const workerSlots = o.workerSlots === undefined ? 4096 : checkCount(o.workerSlots, 'opts.workerSlots', 1, 1 << 16);
  if (o.stealing !== undefined && typeof o.stealing !== 'boolean') throw new TypeError(`opts.stealing must be a boolean, got ${show(o.stealing)}`);
  const pinned = o.stealing === false;
  if (o.onUnhandledError !== undefined) checkFunction(o.onUnhandledError, 'opts.onUnhandledError');
  if (o.resourceLimits !== undefined) o.resourceLimits = checkResourceLimits(o.resourceLimits);
  return { layout: { workers, blocking, queueCapacity, mainSlots, workerSlots, blockingSlots: 256, pinned }, spinCount, options: o };
}

/** worker_threads' four limits, each a number of megabytes, 0 meaning the engine's default as in Node (Node would start a worker that dies at once on a negative one, or ignore a misspelt field). */
const LIMITS: ReadonlySet<string> = new Set(['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb']);

function checkResourceLimits(value: unknown): ResourceLimits {
  const limits = checkOptions<Record<string, unknown>>(value, 'opts.resourceLimits')!;
  for (const [field, mb] of Object.entries(limits)) {
    const arg = `opts.resourceLimits.${field}`;
    if (!LIMITS.has(field)) throw new TypeError(`${arg} is not a worker resource limit (${[...LIMITS].join(', ')})`);
    if (mb === undefined) continue;
    if (typeof mb !== 'number') throw new TypeError(`${arg} must be a number of megabytes, got ${show(mb)}`);
    if (!Number.isFinite(mb) || mb < 0) throw new RangeError(`${arg} must be a finite number of megabytes >= 0 (0: the engine's default), got ${mb}`);
  }
  return limits as ResourceLimits;
}
