// WorkStealingRuntime's options: what they mean, their defaults, and the checks every one of them gets.
import type { ResourceLimits } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { RuntimeOptions } from '@runtime-traits/core';
import { checkCount, checkFunction, checkOptions } from '@runtime-traits/core/kit';
import type { LayoutConfig } from './memory/layout.js';

export interface WorkStealingRuntimeOptions extends RuntimeOptions {
  /** Stealing worker threads. Default: the number of cores. */
  workers?: number;
  /** Threads for spawnBlocking, started on first use. Default 2. */
  blockingThreads?: number;
  /** Capacity of each worker's deque (a power of two >= 2). Default 256; tests use 4. */
  queueCapacity?: number;
  /** Passed to every worker thread (a worker over its heap limit dies and is replaced). */
  resourceLimits?: ResourceLimits;
  /** Looks at the queues before a worker parks. Default 64. */
  spinCount?: number;
  /** Tasks the main thread can have in shared slots at once (more wait in a backlog). Default 16384. */
  mainSlots?: number;
  /** Tasks each worker can have in shared slots at once (more run on that worker only). Default 4096. */
  workerSlots?: number;
}

/** The checked options: the shared-memory layout's sizes and the rest. */
export interface Settings {
  layout: LayoutConfig;
  spinCount: number;
  options: WorkStealingRuntimeOptions;
}

/** Checks `opts` (TypeError/RangeError naming the option) and fills in the defaults. */
export function settingsOf(opts: unknown): Settings {
  const o = checkOptions<WorkStealingRuntimeOptions>(opts, 'opts') ?? {};
  const workers = o.workers === undefined ? Math.max(1, availableParallelism()) : checkCount(o.workers, 'opts.workers');
  const blocking = o.blockingThreads === undefined ? 2 : checkCount(o.blockingThreads, 'opts.blockingThreads');
  const queueCapacity = o.queueCapacity === undefined ? 256 : checkCount(o.queueCapacity, 'opts.queueCapacity', 2);
  if ((queueCapacity & (queueCapacity - 1)) !== 0) throw new RangeError(`opts.queueCapacity must be a power of two, got ${queueCapacity}`);
  const spinCount = o.spinCount === undefined ? 64 : checkCount(o.spinCount, 'opts.spinCount', 0);
  const mainSlots = o.mainSlots === undefined ? 16384 : checkCount(o.mainSlots, 'opts.mainSlots');
  const workerSlots = o.workerSlots === undefined ? 4096 : checkCount(o.workerSlots, 'opts.workerSlots');
  if (o.onUnhandledError !== undefined) checkFunction(o.onUnhandledError, 'opts.onUnhandledError');
  if (o.resourceLimits !== undefined) checkOptions(o.resourceLimits, 'opts.resourceLimits');
  return { layout: { workers, blocking, queueCapacity, mainSlots, workerSlots, blockingSlots: 256 }, spinCount, options: o };
}
