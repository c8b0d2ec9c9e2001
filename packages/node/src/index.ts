// @runtime-traits/node: the runtime on Node's own event loop, its standalone reactor, and a Node stream over any Connection.
export { NodeRuntime } from './node-runtime.js';
export { NodeReactor } from './reactor.js';
export { toNodeDuplex } from './duplex.js';

export type { NodeRuntimeOptions } from './node-runtime.js';
