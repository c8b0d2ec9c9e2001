// @runtime-traits/bullmq: a distributed executor on BullMQ and Redis, and the worker that runs its tasks.
export { BullMQRuntime } from './bullmq-runtime.js';
export { BullMQWorker } from './worker/task-worker.js';

export type { Backoff, BullMQRuntimeOptions } from './bullmq-runtime.js';
export type { BullMQWorkerOptions } from './worker/task-worker.js';
