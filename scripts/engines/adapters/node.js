// Conformance adapter (CLI module) for the node runtime, as CI runs it on every engine.
import { NodeRuntime } from '@runtime-traits/node';

export const name = 'node';
export default (options) => NodeRuntime.create(options);
