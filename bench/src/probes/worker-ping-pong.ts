// A probe, not a benchmark: 1-byte ping-pong inside a worksteal worker, before and after the tcp
// bench's echo workload has run in that same worker, beside raw sockets and the leanest promise loop
// (in the worker and on the main thread). Ratios are to raw net.Socket on the main thread.
//
// Run (after `npx tsc -b bench`): node bench/dist/src/probes/worker-ping-pong.js [rounds=80000] [samples=7] [echoes=5]
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { summarise } from '../harness/stats.js';
import { echoInWorker, leanPingPongInWorker, pingPongInWorker, rawPingPongInWorker } from '../tasks/tcp.js';
import { pingPongOver, rawNet } from '../work/net-like.js';
import { promisePingPong } from '../work/tcp-raw.js';

async function compare(rt: WorkStealingRuntime, rounds: number, samples: number): Promise<string> {
  const cases: Record<string, () => PromiseLike<number>> = {
    'raw net.Socket, main': () => pingPongOver(rawNet, rounds),
    'raw net.Socket, worker': () => rt.executor.spawn(rawPingPongInWorker, [rounds]),
    'raw promise loop, main': () => promisePingPong(rounds),
    'raw promise loop, worker': () => rt.executor.spawn(leanPingPongInWorker, [rounds]),
    'Connection, worker': () => rt.executor.spawn(pingPongInWorker, [rounds]),
  };
  const rates: Record<string, number[]> = {};
  for (let s = 0; s <= samples; s++) { // the first round warms up
    for (const [name, run] of Object.entries(cases)) {
      const ms = await run();
      if (s > 0) (rates[name] ??= []).push(rounds / ms);
    }
  }
  const base = summarise(rates['raw net.Socket, main']!).median;
  return Object.entries(rates).map(([name, r]) => {
    const m = summarise(r).median;
    return `  ${name.padEnd(26)} ${m.toFixed(1)}k round trips/s = ${(m / base).toFixed(2)}x`;
  }).join('\n');
}

if (process.argv[1]?.endsWith('worker-ping-pong.js')) {
  const [rounds = 80_000, samples = 7, echoes = 5] = process.argv.slice(2).map(Number);
  const rt = await WorkStealingRuntime.create({ workers: 1 });
  try {
    console.log(`fresh worker:\n${await compare(rt, rounds, samples)}`);
    for (let i = 0; i < echoes; i++) await rt.executor.spawn(echoInWorker, [512 * 1024 * 1024, 64 * 1024]);
    console.log(`after ${echoes} echoes of 512 MiB in that worker:\n${await compare(rt, rounds, samples)}`);
  } finally {
    await rt.shutdown();
  }
}
