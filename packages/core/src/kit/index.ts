// The rules every runtime shares, so a program behaves the same on each: argument checks, the error codec, clock helpers.
/**
 * `@runtime-traits/core/kit`, for runtime authors: the argument checks, error codec and clock helpers every
 * runtime shares, so a program fails the same way on each.
 * @module
 */
export {
  show, checkMs, checkCount, checkPort, checkHost, checkFunction, checkSignal, checkOptions, checkSpawnOptions,
  checkTaskDef, checkArgs, checkSpawn, checkJoinArgs, checkJoinResult, checkShutdownOptions, checkCloneable, checkData,
  checkAddress, checkListenAddress, checkUdpAddress, checkUdpDestination, isThenable, DEFAULT_HOST,
} from './checks.js';
export { checkTlsClientOptions, checkTlsServerOptions } from './tls-checks.js';
export { intervalOver, timeoutOver, timeoutWith, abortError } from './clock-helpers.js';
export type { Deadline } from './clock-helpers.js';
export { encodeError, decodeError, isErrorLike, isJsonExact } from './error-codec.js';

export type { ErrorRecord } from './error-codec.js';
