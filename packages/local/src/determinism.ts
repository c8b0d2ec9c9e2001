// checkDeterminism: one scenario, several fresh simulations with one seed — equal traces, or the first events that differ.
//
// HOW: each run builds a new Simulation from the same options (trace kept), awaits `scenario(sim)`,
// shuts the simulation down and appends the outcome (value or error) as a last event. Every run's
// events are compared with the first run's; the first index where two differ is reported with a
// few events of context on each side. Equal traces: the scenario's own error, if it failed every
// time the same way, is rethrown (a deterministic failure is still a failure); else its result.
// WHY in one process and one after another: state that outlives a run (a library's process-wide
// timer or connection pool) is exactly what makes a replay differ from the run it replays, and it
// shows up only when runs follow each other where it survives.
import { RuntimeError } from '@runtime-traits/core';
import { checkCount, checkFunction, checkOptions } from '@runtime-traits/core/kit';
import type { Simulation, SimulationOptions } from './simulation.js';
import type { TraceEvent } from './trace.js';

/** Options of `Simulation.checkDeterminism`. */
export interface DeterminismOptions {
  /** How many runs to compare (default 2, at least 2). */
  runs?: number;
}

/** What `Simulation.checkDeterminism` found when every run traced the same. */
export interface DeterminismReport<T> {
  /** The trace hash every run had. */
  traceHash: string;
  /** Events in each run's trace. */
  events: number;
  /** How many runs were compared. */
  runs: number;
  /** What the first run's scenario returned. */
  result: T;
}

/** Two runs of one scenario with one seed traced differently. */
export class NondeterminismError extends RuntimeError {
  static override readonly kind = 'NondeterminismError';
  /** The seed every run used: replay with it to investigate. */
  readonly seed: number | string;
  /** The run (2…) whose trace first differed from run 1's. */
  readonly run: number;
  /** Index of the first differing event. */
  readonly index: number;
  /** Run 1's events around `index`. */
  readonly expected: readonly TraceEvent[];
  /** The other run's events around `index`. */
  readonly actual: readonly TraceEvent[];
  /** Each run's trace hash, run 1 first. */
  readonly traceHashes: readonly string[];

  constructor(fields: { seed: number | string; run: number; index: number; expected: TraceEvent[]; actual: TraceEvent[]; traceHashes: string[]; message: string }) {
    super(fields.message, 'ERR_NONDETERMINISM');
    this.name = 'NondeterminismError';
    this.seed = fields.seed;
    this.run = fields.run;
    this.index = fields.index;
    this.expected = fields.expected;
    this.actual = fields.actual;
    this.traceHashes = fields.traceHashes;
  }
}

interface RunRecord<T> {
  events: TraceEvent[];
  hash: string;
  ok: boolean;
  value: T | undefined;
  error: unknown;
}

const CONTEXT = 4;

/** @internal Simulation.checkDeterminism's body; `make` builds a fresh Simulation (no import cycle). Bad arguments throw at the call. */
export function checkDeterminismWith<T>(
  make: (options: SimulationOptions) => Simulation,
  options: SimulationOptions,
  scenario: (sim: Simulation) => T | Promise<T>,
  opts: DeterminismOptions | undefined,
): Promise<DeterminismReport<T>> {
  checkFunction(scenario, 'scenario');
  const o = checkOptions<DeterminismOptions>(opts, 'opts');
  const runs = o?.runs ?? 2;
  checkCount(runs, 'opts.runs', 2); // (the kit's check: a fraction or NaN is a RangeError, as for every count)
  return compareRuns(make, options, scenario, runs);
}

async function compareRuns<T>(
  make: (options: SimulationOptions) => Simulation,
  options: SimulationOptions,
  scenario: (sim: Simulation) => T | Promise<T>,
  runs: number,
): Promise<DeterminismReport<T>> {
  const records: Array<RunRecord<T>> = [];
  for (let i = 0; i < runs; i++) records.push(await runOnce(make, options, scenario));
  const first = records[0]!;
  for (let r = 1; r < records.length; r++) {
    const other = records[r]!;
    if (other.hash === first.hash && other.events.length === first.events.length) continue;
    throw difference(options.seed ?? 1, r + 1, first.events, other.events, records.map((x) => x.hash));
  }
  if (!first.ok) throw first.error;
  return { traceHash: first.hash, events: first.events.length, runs, result: first.value as T };
}

async function runOnce<T>(make: (options: SimulationOptions) => Simulation, options: SimulationOptions, scenario: (sim: Simulation) => T | Promise<T>): Promise<RunRecord<T>> {
  const sim = make({ ...options, keepTrace: true });
  let ok = true;
  let value: T | undefined;
  let error: unknown;
  try {
    value = await scenario(sim);
  } catch (e) {
    ok = false;
    error = e;
  }
  await sim.shutdown();
  sim.note(ok ? 'SCENARIO RETURNED' : `SCENARIO THREW ${describe(error)}`);
  return { events: sim.trace(), hash: sim.traceHash(), ok, value, error };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.replace(/[\r\n]+/g, ' ');
  return String(error).replace(/[\r\n]+/g, ' ');
}

function difference(seed: number | string, run: number, a: TraceEvent[], b: TraceEvent[], hashes: string[]): NondeterminismError {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  const from = Math.max(0, index - CONTEXT);
  const expected = a.slice(from, index + CONTEXT + 1);
  const actual = b.slice(from, index + CONTEXT + 1);
  const show1 = (events: TraceEvent[]): string => events.map((e, k) => `${from + k === index ? '>' : ' '} ${from + k}: ${e}`).join('\n');
  const message = `The scenario is not deterministic: with seed ${JSON.stringify(seed)}, run ${run} traced differently from run 1 `
    + `from event ${index} on (run 1 has ${a.length} events, run ${run} ${b.length}; hashes ${hashes.join(', ')}).\n`
    + `run 1:\n${show1(expected)}\nrun ${run}:\n${show1(actual)}`;
  return new NondeterminismError({ seed, run, index, expected, actual, traceHashes: hashes, message });
}
