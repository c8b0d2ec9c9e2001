// @runtime-traits/kit: what runtimes share in implementation — the task state machine, its handles, queues and promises.
export { TaskCell, cancelledError } from './task-cell.js';
export { cellOf } from './task-handle.js';
export { ShutdownReason, TaskSet } from './task-set.js';
export { resolveTask, isVerified } from './resolve-task.js';
export { WaitQueue } from './wait-queue.js';
export { untilEnd } from './until-end.js';
export { Fifo } from './fifo.js';
export { youngArray } from './young-array.js';
export { deferred } from './deferred.js';
export { promiseInto, keepResolve, keptResolve } from './resolvers.js';

export type { TaskOwner } from './task-cell.js';
export type { TaskHandle } from './task-handle.js';
export type { UnhandledErrorHandler } from './task-set.js';
export type { QueueWaker, WaitQueueOptions } from './wait-queue.js';
export type { Deferred } from './deferred.js';
export type { Settles } from './resolvers.js';
