// The conformance suite against the work-stealing runtime: one worker, four, and thread-per-core (stealing: false) on two.
import { conformanceSuite } from '@runtime-traits/conformance';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';

conformanceSuite({ name: 'worksteal-1', create: (options) => WorkStealingRuntime.create({ ...options, workers: 1, blockingThreads: 1 }) });
conformanceSuite({ name: 'worksteal-4', create: (options) => WorkStealingRuntime.create({ ...options, workers: 4, blockingThreads: 2 }) });
conformanceSuite({ name: 'worksteal-per-core-2', create: (options) => WorkStealingRuntime.create({ ...options, workers: 2, blockingThreads: 1, stealing: false }) });
