// memory: heap bytes held per pending task (100k tasks parked on one promise) on each runtime's
// spawnLocal vs a raw async function awaiting the same promise. One child process per contender,
// which measures three times; bytes do not depend on the machine's load, so the children run
// side by side rather than alternated.
import type { Outcome } from '../harness/alternate.js';
import { runChild } from '../harness/child.js';
import { reaches, toRows } from '../harness/rows.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';

const CHILD = new URL('../child/memory-child.js', import.meta.url);

interface ChildResult { bytesPerTask?: number[]; unavailable?: string; failed?: string }

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
    const rounds = ctx.quick ? 1 : 3;
    // The children run at the same time: heap bytes do not depend on CPU time.
    const results = await Promise.all(CONTENDERS.map(async (c) => {
      const r = await runChild<ChildResult>(CHILD, [c.arg, String(n), String(rounds)], ['--expose-gc'])
        .catch((e: Error): ChildResult => ({ failed: e.message }));
      ctx.log(`    ${c.name} measured`);
      return [c.name, r] as const;
    }));
    const out = new Map<string, Outcome>();
    for (const [name, r] of results) {
      if (r.bytesPerTask) out.set(name, { samples: r.bytesPerTask });
      else if (r.unavailable) out.set(name, { samples: [], problem: { status: 'not available', note: r.unavailable } });
      else out.set(name, { samples: [], problem: { status: 'failed', note: r.failed ?? 'no figure' } });
    }
    return toRows({
      bench: 'memory', case: label, unit: 'heap bytes/task', better: 'lower', baseline: 'raw async function',
      targets: ['node spawnLocal', 'worksteal spawnLocal'].map((name) => reaches(name, 600, 'lower', '<= 600 B per pending task (issue 20)')),
      notes: { 'raw async function': '`(async () => { await gate })()`, kept in an array' },
    }, out);
  },
};

export default bench;
