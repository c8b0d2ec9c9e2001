// memory: heap bytes held per pending task (100k tasks parked on one promise) on each runtime's
// spawnLocal vs a raw async function awaiting the same promise. One child process per sample.
import { alternate, type Contender } from '../harness/alternate.js';
import { runChild } from '../harness/child.js';
import { toRows } from '../harness/rows.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';

const CHILD = new URL('../child/memory-child.js', import.meta.url);

interface ChildResult { bytesPerTask?: number; unavailable?: string; failed?: string }

const CONTENDERS: readonly { name: string; arg: string }[] = [
  { name: 'raw async function', arg: 'raw' },
  { name: 'node spawnLocal', arg: 'node' },
  { name: 'local spawnLocal', arg: 'local' },
  { name: 'worksteal spawnLocal', arg: 'worksteal' },
];

const bench: Benchmark = {
  name: 'memory',
  description: 'heap bytes per pending task, 100k pending, each contender in its own --expose-gc child process',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const n = ctx.quick ? 10_000 : 100_000;
    const label = `${n / 1000}k pending tasks`;
    ctx.log(`  memory: ${label}`);
    const contenders: Contender[] = [];
    for (const c of CONTENDERS) {
      // One probe tells whether the contender can run at all (its runtime may not be built yet).
      const probe = await runChild<ChildResult>(CHILD, [c.arg, '100'], ['--expose-gc']).catch((e: Error): ChildResult => ({ failed: e.message }));
      if (probe.unavailable) {
        contenders.push({ name: c.name, unavailable: probe.unavailable, measure: async () => NaN });
        continue;
      }
      contenders.push({
        name: c.name,
        measure: async () => {
          const r = await runChild<ChildResult>(CHILD, [c.arg, String(n)], ['--expose-gc']);
          if (r.bytesPerTask === undefined) throw new Error(r.failed ?? r.unavailable ?? 'no figure');
          return r.bytesPerTask;
        },
      });
    }
    const out = await alternate(contenders, { rounds: ctx.quick ? 1 : 3, log: ctx.log, label });
    return toRows({
      bench: 'memory', case: label, unit: 'heap bytes/task', better: 'lower', baseline: 'raw async function',
      notes: { 'raw async function': '`(async () => { await gate })()`, kept in an array' },
    }, out);
  },
};

export default bench;
