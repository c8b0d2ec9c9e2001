// Conformance adapter (CLI module) for the worksteal runtime with four workers, as CI runs it on every engine.
import { WorkStealingRuntime } from '@runtime-traits/worksteal';

export const name = 'worksteal-4';
export default (options) => WorkStealingRuntime.create({ ...options, workers: 4, blockingThreads: 2 });
