// Conformance adapter (CLI module) for the local runtime with a fixed seed, as CI runs it on every engine.
import { LocalRuntime } from '@runtime-traits/local';

export const name = 'local';
export default (options) => LocalRuntime.create({ ...options, seed: 1 });
