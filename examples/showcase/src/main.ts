// `npm start`: one runtime-agnostic library (the Tour) wired into each runtime in turn, then a summary.
//
// Nothing in ./lib knows which runtime it is on: it receives RUNTIME, EXECUTOR, CLOCK and NET from
// an inversify container, and this file is the only place a runtime is chosen.
import { availableParallelism, loadavg } from 'node:os';
import { Container } from 'inversify';
import { loadRuntime, runtimeModule, RUNTIME_NAMES } from '@runtime-traits/inversify';
import type { RuntimeName } from '@runtime-traits/inversify';
import { Tour } from './lib/index.js';
import type { Step } from './lib/index.js';
import { table } from './table.js';
import { speedupVerdict } from './verdict.js';

const BLURB: Record<RuntimeName, string> = {
  node: "Node's own event loop: node:net sockets, real timers",
  local: 'one thread, virtual clock, simulated network (deterministic)',
  worksteal: 'worker threads stealing work from each other over SharedArrayBuffer',
};

interface Outcome {
  runtime: RuntimeName;
  steps: Step[];
  error?: unknown;
}

async function tour(name: RuntimeName): Promise<Outcome> {
  const runtime = await loadRuntime(name);
  const module = runtimeModule(runtime);
  const container = new Container();
  container.load(module);
  container.bind(Tour).toSelf();
  try {
    const steps = await runtime.run(async () => {
      const tour = container.get(Tour);
      await tour.warmUp();
      return tour.run();
    });
    return { runtime: name, steps };
  } finally {
    await container.unloadAsync(module); // shuts the runtime down
  }
}

function ms(value: number): string {
  if (value >= 60_000) return `${(value / 60_000).toFixed(value >= 600_000 ? 0 : 1)} min`;
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

function describeThreads(where: string[]): string {
  if (where.length <= 3) return where.join(', ');
  return `${where.length} threads (${where.slice(0, 2).join(', ')}, …)`;
}

const cores = availableParallelism();
const loadAtStart = loadavg()[0]!;
console.log(`runtime-traits: one library, three runtimes (Node ${process.version}, ${cores} cores, load average ${loadAtStart.toFixed(2)})\n`);
console.log('The same Tour class (examples/showcase/src/lib) gets its executor, clock and network');
console.log('from inversify. Only the runtime bound in the container changes.\n');

const outcomes: Outcome[] = [];
for (const name of RUNTIME_NAMES) {
  console.log(`▶ ${name}: ${BLURB[name]}`);
  const outcome = await tour(name).catch((error: unknown): Outcome => ({ runtime: name, steps: [], error }));
  outcomes.push(outcome);
  if (outcome.error) console.log(`  failed: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`);
  for (const step of outcome.steps) console.log(`  ${step.step.padEnd(9)} ${step.result}`);
  console.log();
}

const rows = outcomes.flatMap((o) => (o.error
  ? [[o.runtime, '-', 'did not run (see above)', '-', '-']]
  : o.steps.map((s) => [o.runtime, s.step, describeThreads(s.where), ms(s.clockMs), ms(s.wallMs)])));
console.log('Summary: what ran where, and how long it took');
console.log(table(['runtime', 'step', 'ran on', 'runtime clock', 'wall clock'], rows, ['left', 'left', 'left', 'right', 'right']));
console.log();
console.log('"runtime clock" is each runtime\'s own Clock: on the local runtime it is virtual, so an hour');
console.log('of sleeping costs no wall time. "ran on" names the threads that ran portable tasks.');

const step = (runtime: RuntimeName, name: Step['step']) => outcomes.find((o) => o.runtime === runtime)?.steps.find((s) => s.step === name);
const virtual = step('local', 'timers');
const forkJoin = step('worksteal', 'parallel');
const sequential = step('node', 'parallel');
const notes: string[] = [];
if (virtual) notes.push(`local: ${ms(virtual.clockMs)} of timers passed in ${ms(virtual.wallMs)} of wall time`);
if (forkJoin?.bestMs !== undefined && sequential?.bestMs !== undefined) {
  // The load as this program saw it: the higher of the averages before and after the runs.
  const load = Math.max(loadAtStart, loadavg()[0]!);
  notes.push(`worksteal: ${speedupVerdict({
    cores, load, threads: forkJoin.where.length, sequentialMs: sequential.bestMs, parallelMs: forkJoin.bestMs,
  })}`);
}
if (notes.length > 0) console.log(`\n${notes.map((n) => `• ${n}`).join('\n')}`);

if (outcomes.some((o) => o.error)) process.exitCode = 1;
