// Where the per-task floor of a deferred spawn lies: a raw async call vs the least any spawn that
// must not run its body synchronously can do (a promise plus one job), vs the kit's TaskCell plus one
// job, vs NodeRuntime's spawnLocal. Run after building: node packages/node/scripts/spawn-floor.mjs
import { TaskCell } from '@runtime-traits/core/kit';
import { NodeRuntime } from '../dist/src/index.js';

const N = 1_000_000;
const RESOLVED = Promise.resolve();
const owner = { settled() {}, unhandled() {}, runtime: null };
const rt = await NodeRuntime.create();

async function perTask(fn) {
  const start = performance.now();
  let total = 0;
  for (let i = 0; i < N; i++) total += await fn(i);
  if (total !== (N * (N + 1)) / 2) throw new Error('a body did not run');
  return ((performance.now() - start) * 1e6) / N;
}

const contenders = {
  'raw async call': (i) => (async () => i + 1)(),
  'promise + one job (floor)': (i) => {
    let resolve;
    const p = new Promise((r) => { resolve = r; });
    void RESOLVED.then(() => resolve(i + 1));
    return p;
  },
  'TaskCell + one job': (i) => {
    const cell = new TaskCell(i, owner, undefined);
    void RESOLVED.then(() => cell.run(() => i + 1));
    return cell;
  },
  'NodeRuntime spawnLocal': (i) => rt.executor.spawnLocal(() => i + 1),
};

for (let round = 1; round <= 3; round++) {
  const line = [];
  let raw = 0;
  for (const [name, fn] of Object.entries(contenders)) {
    const ns = await perTask(fn);
    if (name === 'raw async call') raw = ns;
    line.push(`${name} ${ns.toFixed(0)} ns (${(raw / ns).toFixed(2)}x raw)`);
  }
  console.log(`round ${round}: ${line.join(' | ')}`);
}
await rt.shutdown();
