// A task that ends the worker thread it runs on (process.exit in a worker ends that thread alone): the shard tests' crash.
import { defineTask } from '@runtime-traits/core';

export const exitWorker = defineTask(import.meta.url, 'exitWorker', (): never => process.exit(3));
