// The adapter kit: what a runtime author reuses so every runtime checks and behaves alike.
export {
  show, checkMs, checkCount, checkPort, checkHost, checkFunction, checkSignal, checkOptions, checkSpawnOptions,
  checkTaskDef, checkArgs, checkSpawn, checkJoinArgs, checkCloneable, checkData, checkAddress, checkListenAddress, checkUdpAddress, DEFAULT_HOST,
} from './checks.js';
export { checkTlsClientOptions, checkTlsServerOptions } from './tls-checks.js';
export { deferred } from './deferred.js';
export { untilEnd } from './until-end.js';
export { TaskCell, cancelledError, isThenable } from './task-cell.js';
export { cellOf } from './task-handle.js';
export { TaskSet } from './task-set.js';
export { intervalOver, timeoutOver, abortError } from './clock-helpers.js';
export { resolveTask, isVerified } from './resolve-task.js';
export { WaitQueue } from './wait-queue.js';
export { encodeError, decodeError, isErrorLike } from './error-codec.js';

export type { Deferred } from './deferred.js';
export type { TaskOwner } from './task-cell.js';
export type { TaskHandle } from './task-handle.js';
export type { UnhandledErrorHandler } from './task-set.js';
export type { QueueWaker, WaitQueueOptions } from './wait-queue.js';
export type { ErrorRecord } from './error-codec.js';
