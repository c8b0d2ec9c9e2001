// @runtime-traits/worksteal: a multi-threaded work-stealing runtime on worker_threads and SharedArrayBuffer.
export { WorkStealingRuntime } from './runtime.js';

export type { WorkStealingRuntimeOptions } from './options.js';
export { placementOf, type Placement } from './executor.js';
