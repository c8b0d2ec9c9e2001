// The floor under "tiny tasks from the main thread" (not a test): what the main thread alone can do
// per second when a task is nothing but the hand-off itself, on the runtime's own queues.
//
// The main thread, per task: a promise and its resolve function (the least a spawn can hand back), the
// argument into a slot of an Int32Array, the slot onto the injector (this package's MpmcRing), and,
// when it comes back, a pop of the completion ring and the resolve. It polls that ring as the runtime
// does (a setImmediate per turn). The caller's loop is the benchmark's: `inflight` tasks outstanding,
// a new one started from each one's `then`.
//
// With `workers` = 0 the main thread also plays the worker inside its poll (pop, x + 1, push on the
// completion ring): the main thread's own cost, the ceiling of any design in which main hands out a
// promise per task, whatever the number of cores. With 1 or 2 the workers spin for ever (no parking):
// on this 2-core machine three spinning threads share two cores, which the OS time-slices.
//
// Run: node packages/worksteal/dist/test/perf/handoff-floor.js [inflight=256] [rounds=7] [workers=0]
// Prints tasks/s (median and each round) and the main thread's event-loop utilisation.
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { MpmcRing, mpmcWords, EMPTY } from '../../src/queues/mpmc-ring.js';

const SLOTS = 1024;
const RING = 1024;

interface Buffers { control: SharedArrayBuffer; values: SharedArrayBuffer }

function rings(b: Buffers): { injector: MpmcRing; done: MpmcRing; stop: Int32Array; values: Int32Array } {
  const control = new Int32Array(b.control);
  return {
    injector: new MpmcRing(control, 1, RING),
    done: new MpmcRing(control, 1 + mpmcWords(RING), RING),
    stop: control,
    values: new Int32Array(b.values),
  };
}

if (!isMainThread) {
  const { injector, done, stop, values } = rings(workerData as Buffers);
  parentPort!.postMessage('ready');
  while (Atomics.load(stop, 0) === 0) {
    const slot = injector.pop();
    if (slot === EMPTY) continue;
    values[slot] = values[slot]! + 1;
    done.push(slot);
  }
} else {
  const inflight = Number(process.argv[2] ?? 256);
  const rounds = Number(process.argv[3] ?? 7);
  const threads = Number(process.argv[4] ?? 0);
  const buffers: Buffers = {
    control: new SharedArrayBuffer(4 * (1 + 2 * mpmcWords(RING))),
    values: new SharedArrayBuffer(4 * SLOTS),
  };
  const { injector, done, stop, values } = rings(buffers);
  injector.init();
  done.init();
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: buffers }));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));

  const free: number[] = [];
  for (let i = SLOTS - 1; i >= 0; i--) free.push(i);
  const resolvers = new Array<((v: number) => void) | undefined>(SLOTS);
  let polling = false;
  const poll = (): void => {
    polling = false;
    if (threads === 0) {
      for (let slot = injector.pop(); slot !== EMPTY; slot = injector.pop()) {
        values[slot] = values[slot]! + 1;
        done.push(slot);
      }
    }
    if (done.length === 0) {
      const deadline = performance.now() + 0.1;
      while (done.length === 0 && performance.now() < deadline);
    }
    for (let slot = done.pop(); slot !== EMPTY; slot = done.pop()) {
      const resolve = resolvers[slot]!;
      resolvers[slot] = undefined;
      free.push(slot);
      resolve(values[slot]!);
    }
    if (free.length < SLOTS) {
      polling = true;
      setImmediate(poll);
    }
  };
  const spawn = (x: number): Promise<number> => {
    const slot = free.pop()!;
    values[slot] = x;
    const p = new Promise<number>((resolve) => { resolvers[slot] = resolve; });
    injector.push(slot);
    if (!polling) {
      polling = true;
      setImmediate(poll);
    }
    return p;
  };
  const window = (total: number): Promise<number> => new Promise((resolve, reject) => {
    let next = 0;
    let finished = 0;
    const t0 = performance.now();
    const launch = (): void => {
      const i = next++;
      spawn(i).then((v) => {
        if (v !== i + 1) reject(new Error(`task ${i} returned ${v}`));
        finished++;
        if (next < total) launch();
        else if (finished === total) resolve((total * 1000) / (performance.now() - t0));
      }, reject);
    };
    for (let k = 0; k < Math.min(inflight, total); k++) launch();
  });

  await window(20_000);
  const rates: number[] = [];
  const elu0 = performance.eventLoopUtilization();
  for (let r = 0; r < rounds; r++) rates.push(await window(inflight === 1 ? 10_000 : 100_000));
  const elu = performance.eventLoopUtilization(elu0);
  const sorted = rates.slice().sort((a, b) => a - b);
  console.log(`hand-off floor, ${inflight} in flight, ${threads} spinning workers: median ${Math.round(sorted[sorted.length >> 1]!)} tasks/s [${rates.map(Math.round).join(' ')}]; main thread busy ${(elu.utilization * 100).toFixed(0)}%`);
  Atomics.store(stop, 0, 1);
  await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
}
