// @runtime-traits/node: the runtime on Node's own event loop, its standalone reactor, a Node stream over any Connection, and worker flags.
/**
 * `@runtime-traits/node`: the runtime on Node's own event loop (`NodeRuntime`), its standalone reactor
 * (`NodeReactor`), `toNodeDuplex` (deprecated: node-compat's `toNodeSocket`) and `workerExecArgv`.
 * @module index
 */
export { NodeRuntime } from './node-runtime.js';
export { NodeReactor } from './reactor.js';
export { toNodeDuplex } from './duplex.js';
export { workerExecArgv } from './worker-exec-argv.js';

export type { NodeRuntimeOptions } from './node-runtime.js';
