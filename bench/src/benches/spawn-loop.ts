// The spawn benchmark's loop on a runtime. spawn.ts imports this module once per runtime, each time
// under its own URL, so every runtime runs its own copy of this code: V8 keeps type feedback per
// copy of a function, and one copy shared by three runtimes would make the node runtime's loop pay
// for the shapes of the other two, which no application running one runtime does.
import type { Runtime } from '@runtime-traits/core';

export function spawnBatch(rt: Runtime, batchSize: number, work: (i: number) => number, check: (total: number) => void): Promise<void> {
  return rt.run(async () => {
    let total = 0;
    for (let i = 0; i < batchSize; i++) total += await rt.executor.spawnLocal(() => work(i));
    check(total);
  });
}
