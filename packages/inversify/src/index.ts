// @runtime-traits/inversify: wire a runtime into an inversify container, or load one by name.
export { runtimeModule } from './runtime-module.js';
export { loadRuntime } from './load-runtime.js';
export { RUNTIME_NAMES } from './adapters.js';

export type { RuntimeName } from './adapters.js';
export type { LoadRuntimeOptions } from './load-runtime.js';
