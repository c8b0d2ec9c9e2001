// A small app that the bundling test builds with esbuild and runs: spawn and spawnBlocking of its own tasks, on the runtime named in argv.
import type { Runtime } from '@runtime-traits/core';
import { add, whereAmI } from './tasks.js';

const name = process.argv[2] ?? 'node';
const runtime: Runtime = name === 'worksteal'
  ? await (await import('@runtime-traits/worksteal')).WorkStealingRuntime.create({ workers: 2, blockingThreads: 1 })
  : await (await import('@runtime-traits/node')).NodeRuntime.create({ blockingThreads: 1 });
const result = await runtime.run(async () => ({
  spawned: await runtime.executor.spawn(add, [2, 3]),
  blocking: await runtime.executor.spawnBlocking(add, [4, 5]),
  spawnedOn: await runtime.executor.spawn(whereAmI, []),
  blockingOn: await runtime.executor.spawnBlocking(whereAmI, []),
  module: add.module,
}));
console.log(JSON.stringify(result));
await runtime.shutdown();
