// Stealing vs thread-per-core (not a test): an even load, a skewed one (one hot worker), tiny tasks. Medians over rounds, modes alternating.
// Run: node packages/worksteal/dist/test/perf/modes.js [rounds]  — the machine is shared, so repeat and read the spread.
import { WorkStealingRuntime } from '../../src/index.js';
import { busy, family } from '../fixtures/per-core-tasks.js';
import { addOne } from '../fixtures/tasks.js';

const rounds = Number(process.argv[2] ?? 5);
const TASK_MS = 0.5;
const N = 1000; // the skewed case runs 1.5 N tasks (N children, N/2 grandchildren), the even one the same count

async function even(rt: WorkStealingRuntime): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 1.5 * N }, () => rt.executor.spawn(busy, [TASK_MS])));
  return performance.now() - t0;
}

/** Every task born on one worker: a stealing pool spreads them, thread-per-core keeps them there. */
async function skewed(rt: WorkStealingRuntime): Promise<number> {
  const t0 = performance.now();
  const r = rt.stealing ? await rt.executor.spawn(family, [N, TASK_MS]) : await rt.spawnOn(0, family, [N, TASK_MS]);
  if (r.children.length !== 1.5 * N) throw new Error(`ran ${r.children.length} tasks`);
  return performance.now() - t0;
}

async function tiny(rt: WorkStealingRuntime): Promise<number> {
  const total = 200_000;
  let started = 0;
  let done = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (started >= total) return;
      started++;
      rt.executor.spawn(addOne, [1]).then(() => (++done === total ? resolve() : next()), reject);
    };
    for (let k = 0; k < 64; k++) next();
  });
  return (total * 1000) / (performance.now() - t0);
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

const modes = { stealing: await WorkStealingRuntime.create({ workers: 2 }), 'thread-per-core': await WorkStealingRuntime.create({ workers: 2, stealing: false }) };
const cases = { [`even: ${1.5 * N} × ${TASK_MS} ms spawned from main (ms)`]: even, [`skewed: ${1.5 * N} × ${TASK_MS} ms born on one worker (ms)`]: skewed, 'tiny tasks from main, 64 in flight (tasks/s)': tiny };
const samples = new Map<string, number[]>();
for (const rt of Object.values(modes)) for (const fn of Object.values(cases)) await fn(rt); // warm-up
for (let r = 0; r < rounds; r++) {
  for (const [c, fn] of Object.entries(cases)) {
    const order = r % 2 === 0 ? Object.entries(modes) : Object.entries(modes).reverse();
    for (const [m, rt] of order) {
      const key = `${c} | ${m}`;
      samples.set(key, [...(samples.get(key) ?? []), await fn(rt)]);
    }
  }
}
for (const [key, xs] of samples) console.log(`${key}: median ${median(xs).toFixed(0)} (${spread(xs)}, ${xs.length} rounds)`);
for (const rt of Object.values(modes)) await rt.shutdown();
