// Child process of the memory benchmark (run with --expose-gc): creates one contender's 100k
// pending tasks, `samples` times over, and prints the heap bytes they hold per task (one figure
// per sample) as one JSON line on stdout.
//
// HOW: 1. create the runtime (if any), run one untimed full-size batch, gc; 2. read heapUsed;
// 3. start n tasks that each await one shared gate promise; 4. let them all start (their bodies
// are parked on the gate), gc, read heapUsed again; 5. open the gate, await all; repeat 2-5.
// WHY a child per contender: its heap holds nothing but that contender's runtime and tasks.
import type { Runtime } from '@runtime-traits/core';
import { closeRuntime, openRuntime, type RuntimeName } from '../harness/runtimes.js';

const [contender = 'raw', countArg = '100000', samplesArg = '3'] = process.argv.slice(2);
const n = Number(countArg);
const samples = Number(samplesArg);
const gc = (globalThis as { gc?: () => void }).gc;

interface Gate { promise: Promise<void>; open: () => void }
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => { open = resolve; });
  return { promise, open };
}

function collect(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** Starts `count` tasks parked on the gate; returns their handles (awaited only after measuring). */
type Starter = (count: number, g: Gate) => PromiseLike<unknown>[];

async function measure(start: Starter, settle: () => Promise<void>): Promise<number[]> {
  await once(start, settle); // untimed: warms up the runtime and the JIT at full size
  const out: number[] = [];
  for (let s = 0; s < samples; s++) out.push(await once(start, settle));
  return out;
}

/**
 * One sample, in its own call frame: a suspended async frame can keep a previous iteration's
 * locals alive, and a batch of completed tasks still held while the next one is measured would
 * be subtracted from it (that once made the figures ~40% too low after the first sample).
 */
async function once(start: Starter, settle: () => Promise<void>): Promise<number> {
  const g = gate();
  const before = collect();
  let all: PromiseLike<unknown>[] | undefined = start(n, g);
  await settle();
  const after = collect();
  g.open();
  await Promise.all(all);
  all = undefined;
  return (after - before) / n;
}

async function main(): Promise<void> {
  if (!gc) throw new Error('run with --expose-gc');
  const settleReal = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
  if (contender === 'raw') {
    const start: Starter = (count, g) => {
      const all = new Array<Promise<void>>(count);
      for (let i = 0; i < count; i++) all[i] = (async () => { await g.promise; })();
      return all;
    };
    print({ bytesPerTask: await measure(start, settleReal) });
    return;
  }
  const rt: Runtime | string = await openRuntime(contender as RuntimeName);
  if (typeof rt === 'string') {
    print({ unavailable: rt });
    return;
  }
  try {
    const start: Starter = (count, g) => {
      const all = new Array<PromiseLike<void>>(count);
      for (let i = 0; i < count; i++) all[i] = rt.executor.spawnLocal(async () => { await g.promise; });
      return all;
    };
    // The local runtime runs tasks only inside run(); doing everything inside run() is the same
    // for the others. Its clock may be virtual, so "let them start" is a sleep on its own clock.
    const bytes = await rt.run(() => measure(start, () => rt.reactor.clock.sleep(20)));
    print({ bytesPerTask: bytes });
  } finally {
    await closeRuntime(rt);
  }
}

function print(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

main().catch((error: unknown) => {
  print({ failed: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exitCode = 1;
});
