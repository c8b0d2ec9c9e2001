// The conformance suite against the work-stealing runtime, with one worker and with four.
import { conformanceSuite } from '@runtime-traits/conformance';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';

conformanceSuite({ name: 'worksteal-1', create: (options) => WorkStealingRuntime.create({ ...options, workers: 1, blockingThreads: 1 }) });
conformanceSuite({ name: 'worksteal-4', create: (options) => WorkStealingRuntime.create({ ...options, workers: 4, blockingThreads: 2 }) });
