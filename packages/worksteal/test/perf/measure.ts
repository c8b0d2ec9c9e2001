// Quick self-measurement (not a test): tiny tasks/s from the main thread, fork-join fib speedup, spawns/s inside a worker.
// Run: node packages/worksteal/dist/test/perf/measure.js [rounds]  — prints medians; the machine is shared, so repeat.
import { Worker } from 'node:worker_threads';
import { WorkStealingRuntime } from '../../src/index.js';
import { addOne, fibJoin, fibSeq, fibSeqTask, spawnManyInside } from '../fixtures/tasks.js';

const rounds = Number(process.argv[2] ?? 7);
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;

async function tiny(rt: WorkStealingRuntime, total: number, inflight: number): Promise<number> {
  let started = 0;
  let done = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (started >= total) return;
      const i = started++;
      rt.executor.spawn(addOne, [i]).then((v) => {
        if (v !== i + 1) reject(new Error(`task ${i} returned ${v}`));
        if (++done === total) resolve();
        else next();
      }, reject);
    };
    for (let k = 0; k < inflight; k++) next();
  });
  return (total * 1000) / (performance.now() - t0);
}

/** What this machine gives two threads right now: 2.0 = two free cores (other users lower it). */
async function parallelCeiling(): Promise<number> {
  const code = `const { parentPort } = require('node:worker_threads'); const f = (n) => n < 2 ? n : f(n - 1) + f(n - 2);
parentPort.on('message', (n) => { f(n); parentPort.postMessage(0); });`;
  const ws = [new Worker(code, { eval: true }), new Worker(code, { eval: true })];
  const ask = (w: Worker, n: number): Promise<unknown> => new Promise((r) => { w.once('message', r); w.postMessage(n); });
  const ratios: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    await ask(ws[0]!, 32);
    const one = performance.now() - t;
    t = performance.now();
    await Promise.all([ask(ws[0]!, 32), ask(ws[1]!, 32)]);
    ratios.push((2 * one) / (performance.now() - t));
  }
  await Promise.all(ws.map((w) => w.terminate()));
  return median(ratios);
}

const rt = await WorkStealingRuntime.create({ workers: 2 });
try {
  await tiny(rt, 20_000, 64); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) rates.push(await tiny(rt, 100_000, 64));
  console.log(`tiny tasks from main, 64 in flight, 2 workers: median ${Math.round(median(rates))} tasks/s  [${rates.map(Math.round).join(' ')}]`);

  await rt.executor.spawn(spawnManyInside, [10_000]);
  const inside: number[] = [];
  for (let r = 0; r < rounds; r++) inside.push((100_000 * 1000) / await rt.executor.spawn(spawnManyInside, [100_000]));
  console.log(`spawns inside a worker (100k, awaited): median ${Math.round(median(inside))} spawns/s  [${inside.map(Math.round).join(' ')}]`);

  const seqMain: number[] = [];
  const seqWorker: number[] = [];
  const par: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    fibSeq(34);
    seqMain.push(performance.now() - t);
    t = performance.now();
    await rt.executor.spawn(fibSeqTask, [34]);
    seqWorker.push(performance.now() - t);
    t = performance.now();
    await rt.executor.spawn(fibJoin, [34, 20]);
    par.push(performance.now() - t);
  }
  console.log(`fib(34) cutoff 20 on 2 workers: sequential main ${median(seqMain).toFixed(0)} ms, sequential on a worker ${median(seqWorker).toFixed(0)} ms, join ${median(par).toFixed(0)} ms -> speedup ${(median(seqMain) / median(par)).toFixed(2)}x (vs worker-sequential ${(median(seqWorker) / median(par)).toFixed(2)}x)`);
  console.log(`parallel ceiling of this machine right now (two raw workers vs one): ${(await parallelCeiling()).toFixed(2)}x`);
} finally {
  await rt.shutdown();
}
