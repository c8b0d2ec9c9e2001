// Conformance adapter (CLI module) for the worksteal runtime with one worker, as CI runs it on every engine.
import { WorkStealingRuntime } from '@runtime-traits/worksteal';

export const name = 'worksteal-1';
export default (options) => WorkStealingRuntime.create({ ...options, workers: 1, blockingThreads: 1 });
