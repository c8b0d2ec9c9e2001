// Heap bytes one waiting worksteal task handle keeps (the kit's cell plus its handle), not a test.
// Run: node --expose-gc packages/worksteal/dist/test/perf/handle-bytes.js
import type { Runtime } from '@runtime-traits/core';
import { TaskSet, type TaskOwner } from '@runtime-traits/kit';
import { RemoteTask, type RemoteHost } from '../../src/task/remote-task.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const COUNT = 100_000;
const set = new TaskSet({} as Runtime);
const host: RemoteHost = { started: () => false, tryCancelQueued: () => true, requestCancel: () => undefined };
const make = (id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal): RemoteTask<unknown> =>
  new RemoteTask(id, owner, name, signal, host);

const kept: unknown[] = [];
for (let i = 0; i < 1000; i++) kept.push(set.create(undefined, make).handle); // warm the shapes up
kept.length = 0;
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < COUNT; i++) kept.push(set.create(undefined, make).handle);
gc();
const after = process.memoryUsage().heapUsed;
console.log(`${((after - before) / COUNT).toFixed(0)} heap bytes per waiting task (cell + handle + a slot of the array that keeps it)`);
