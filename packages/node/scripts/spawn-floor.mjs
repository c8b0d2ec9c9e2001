// Where the per-task floor of a deferred spawn lies: the same closure called directly, deferred by one
// promise job (the least any spawn that must not run its body inside the call can do), through the
// kit's TaskSet.spawnLocal, and through NodeRuntime's spawnLocal. Ratios are to the deferred call.
// Run after building: node packages/node/scripts/spawn-floor.mjs
import { TaskSet } from '@runtime-traits/kit';
import { NodeRuntime } from '../dist/src/index.js';

const N = 1_000_000;
const RESOLVED = Promise.resolve();
const rt = await NodeRuntime.create();
const kit = new TaskSet(rt);

async function perTask(fn) {
  const start = performance.now();
  let total = 0;
  for (let i = 0; i < N; i++) total += await fn(i);
  if (total !== (N * (N + 1)) / 2) throw new Error('a body did not run');
  return ((performance.now() - start) * 1e6) / N;
}

const contenders = {
  'raw deferred call': (i) => RESOLVED.then(() => i + 1),
  'raw async call': (i) => (async () => i + 1)(),
  'kit TaskSet.spawnLocal': (i) => kit.spawnLocal(() => i + 1),
  'NodeRuntime spawnLocal': (i) => rt.executor.spawnLocal(() => i + 1),
};

for (let round = 1; round <= 5; round++) {
  const line = [];
  let deferred = 0;
  for (const [name, fn] of Object.entries(contenders)) {
    const ns = await perTask(fn);
    if (name === 'raw deferred call') deferred = ns;
    line.push(`${name} ${ns.toFixed(0)} ns (${(deferred / ns).toFixed(2)}x)`);
  }
  console.log(`round ${round}: ${line.join(' | ')}`);
}
await rt.shutdown();
