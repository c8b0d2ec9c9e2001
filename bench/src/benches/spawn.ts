// spawn: the per-task cost of `spawnLocal` + await on each runtime against the same work done
// by an immediately-invoked async function and awaited (the cheapest way to run a closure
// asynchronously in plain JavaScript).
import type { Runtime } from '@runtime-traits/core';
import { microRounds, type MicroContender } from '../harness/micro.js';
import { atLeast, toRows } from '../harness/rows.js';
import { closeRuntime, openRuntime, type RuntimeName } from '../harness/runtimes.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';

const RUNTIMES: readonly RuntimeName[] = ['node', 'local', 'worksteal'];

const bench: Benchmark = {
  name: 'spawn',
  description: 'spawnLocal + await per task on each runtime vs `await (async () => work())()`',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const batchSize = 1_000;
    let sink = 0;
    const work = (i: number): number => i + 1;
    const check = (total: number): void => {
      // sum of (i + 1) for i < batchSize, once per batch: proves every body ran.
      if (total !== (batchSize * (batchSize + 1)) / 2) throw new Error(`batch summed to ${total}`);
      sink += total;
    };
    const runtimes = new Map<RuntimeName, Runtime | string>();
    try {
      for (const name of RUNTIMES) runtimes.set(name, await openRuntime(name));
      const contenders: MicroContender[] = [{
        name: 'raw async call',
        batch: async () => {
          let total = 0;
          for (let i = 0; i < batchSize; i++) total += await (async () => work(i))();
          check(total);
        },
      }, {
        // Informational: spawnLocal never runs the body inside the call, so this raw contender
        // defers it by one microtask too. The target is judged against the row above.
        name: 'raw deferred call',
        batch: async () => {
          let total = 0;
          for (let i = 0; i < batchSize; i++) total += await Promise.resolve(i).then(work);
          check(total);
        },
      }];
      for (const [name, rt] of runtimes) {
        if (typeof rt === 'string') {
          contenders.push({ name: `${name} spawnLocal`, unavailable: rt, batch: () => undefined });
          continue;
        }
        // Each batch runs inside rt.run() so the local runtime's own loop drives it; the node
        // and worksteal runtimes pay that one extra task per thousand too.
        contenders.push({
          name: `${name} spawnLocal`,
          batch: () => rt.run(async () => {
            let total = 0;
            for (let i = 0; i < batchSize; i++) total += await rt.executor.spawnLocal(() => work(i));
            check(total);
          }),
        });
      }
      const label = `spawnLocal + await, batches of ${batchSize}`;
      ctx.log(`  spawn: ${label}`);
      const outcomes = await microRounds(contenders, {
        batchSize, rounds: ctx.quick ? 1 : 7, timeMs: ctx.quick ? 50 : 400, log: ctx.log, label,
      });
      const targets = RUNTIMES.map((n) => atLeast(`${n} spawnLocal`, 1 / 1.5, 'raw async call', 'higher', 'within 1.5x raw (ratio >= 0.67)'));
      const rows = toRows({
        bench: 'spawn', case: label, unit: 'tasks/s', better: 'higher', baseline: 'raw async call', targets,
        notes: {
          'raw async call': 'total += await (async () => work(i))()',
          'raw deferred call': 'total += await Promise.resolve(i).then(work): the body runs a microtask later, as spawnLocal\'s does',
        },
      }, outcomes);
      if (sink === 0 && rows.some((r) => r.status === 'ok')) throw new Error('no batch ran');
      const deferred = rows.find((r) => r.contender === 'raw deferred call')?.median ?? NaN;
      for (const r of rows) {
        if (r.contender.startsWith('raw') || !Number.isFinite(r.median) || !Number.isFinite(deferred)) continue;
        r.note = `${(r.median / deferred).toFixed(2)}x raw deferred call`;
      }
      return rows;
    } finally {
      for (const rt of runtimes.values()) await closeRuntime(rt, ctx.log);
    }
  },
};

export default bench;
