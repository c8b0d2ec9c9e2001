// @runtime-traits/worksteal: a multi-threaded work-stealing runtime on worker_threads and SharedArrayBuffer.
export { WorkStealingRuntime } from './scheduler.js';

export type { WorkStealingRuntimeOptions } from './scheduler.js';
