// Microbenchmarks through tinybench, alternated: each round gives every contender one tinybench
// run of `timeMs`, and the round's sample is the rate implied by tinybench's median latency.
//
// HOW: one tinybench iteration runs `batch()`, which performs `batchSize` operations (a single
// spawn is far below the timer's resolution, so a batch of them is timed instead); the sample is
// batchSize * 1000 / p50(latency ms) operations per second.
import { Bench } from 'tinybench';
import { alternate, type Contender, type Outcome } from './alternate.js';

export interface MicroContender {
  name: string;
  unavailable?: string;
  setup?(): Promise<void>;
  /** Performs `batchSize` operations. */
  batch(): Promise<void> | void;
  teardown?(): Promise<void>;
}

export interface MicroOptions {
  batchSize: number;
  rounds: number;
  /** tinybench's time budget per contender per round. */
  timeMs: number;
  log?: (message: string) => void;
  label?: string;
}

export async function microRounds(contenders: readonly MicroContender[], opts: MicroOptions): Promise<Map<string, Outcome>> {
  const wrapped: Contender[] = contenders.map((c) => ({
    name: c.name,
    unavailable: c.unavailable,
    setup: c.setup?.bind(c),
    teardown: c.teardown?.bind(c),
    measure: async () => {
      const bench = new Bench({ time: opts.timeMs, iterations: 8, warmupTime: Math.min(100, opts.timeMs / 4), warmupIterations: 2, throws: true });
      bench.add(c.name, async () => { await c.batch(); });
      await bench.run();
      const r = bench.tasks[0]!.result;
      if (r.state !== 'completed') throw new Error(`tinybench task ended ${r.state}`);
      return (opts.batchSize * 1000) / r.latency.p50;
    },
  }));
  return alternate(wrapped, { rounds: opts.rounds, log: opts.log, label: opts.label });
}
