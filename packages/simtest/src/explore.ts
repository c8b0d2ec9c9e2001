// explore: runs a scenario over many seeds, each with its own generated fault plan, spread over worker threads.
//
// HOW: the job (scenario module and export, seeds, fault options) goes on a LaneBoard; one lane
// per worker (the worksteal runtime as thread-per-core, each lane placed with spawnOn) takes run indices from the board's counter
// until they run out (or lie past the cutoff of `maxFailures`). The report keeps every run up to
// the maxFailures-th failing index — exactly the runs that always execute, whatever the timing —
// so the same call gives the same report on every run, with any number of workers.
import type { TaskContext } from '@runtime-traits/core';
import { LocalRuntime } from '@runtime-traits/local';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { availableParallelism } from 'node:os';
import { checkScenario, show } from './internal/checks.js';
import { checkNotImportingScenario, exploreLane, runLane, type LaneJob, type LaneRun } from './internal/lane.js';
import { LaneBoard } from './internal/lane-board.js';
import type { FailureInfo, Scenario } from './internal/run-scenario.js';
import { checkPlanOptions, emptyPlan, generatePlan, type FaultPlan, type PlanOptions } from './plan.js';

/** Options of {@link explore}. */
export interface ExploreOptions {
  /** A count n (seeds 1..n) or the seeds themselves. */
  seeds: number | number[];
  /** Draw a fault plan per seed over these hosts (generatePlan). Without it, every plan is empty. */
  faults?: PlanOptions;
  /** Worker threads. Default: the machine's cores. 0 runs every seed on this thread. */
  workers?: number;
  /**
   * A thread-per-core pool (`WorkStealingRuntime.create({ stealing: false })`) to run on instead of a
   * fresh one per call: its threads are started and warm, and it stays open (the caller shuts it
   * down). `workers`, if given too, must be the pool's number of workers. For many explore calls in
   * one process (a suite of simTests).
   */
  pool?: WorkStealingRuntime;
  /** Stop once this many failures are certain to be the first ones (by seed order). Default 1. */
  maxFailures?: number;
}

/** One failing run found by {@link explore}. */
export interface ExploreFailure {
  /** The seed of the failing run. */
  seed: number;
  /** The fault plan it ran with. */
  plan: FaultPlan;
  /** What failed. */
  error: FailureInfo;
  /** The run's trace hash: a replay reproduces it. */
  traceHash: string;
}

/** What {@link explore} found. Equal calls give equal reports, whatever the number of workers. */
export interface ExploreReport {
  /** Runs the report covers: every seed up to the last reported failure (all seeds when fewer failed). */
  runs: number;
  /** The first failures in seed order, at most maxFailures. */
  failures: ExploreFailure[];
  /** `sometimes` names some run declared and no run reached, sorted. */
  neverReached: string[];
  /** Every `sometimes` name declared, sorted. */
  sometimes: string[];
}

/**
 * Runs `scenario` once per seed, each with its own fault plan (generated from the seed when
 * `options.faults` is given), spread over worker threads, and reports the first failures in seed order
 * and the `sometimes` names no run reached.
 *
 * @param scenario A task defined with `defineTask(import.meta.url, …)` taking `(seed, plan)`; it builds its own Simulation(s).
 * @param options Seeds, fault options, worker count and how many failures to collect.
 * @throws TypeError or RangeError (synchronously rejected), naming the argument, for a bad scenario or option.
 */
export async function explore(scenario: Scenario, options: ExploreOptions): Promise<ExploreReport> {
  checkNotImportingScenario();
  checkScenario(scenario);
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be { seeds, faults?, workers? }, got ${show(options)}`);
  const seeds = seedList(options.seeds);
  const faults = options.faults;
  if (faults !== undefined) checkPlanOptions(faults, 'options.faults'); // null or false is a mistake, not "no faults"
  const pool = options.pool;
  if (pool !== undefined && !isThreadPerCorePool(pool)) {
    throw new TypeError(`options.pool must be a WorkStealingRuntime created with { stealing: false }, got ${show(pool)}`);
  }
  const asked = options.workers;
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 0)) throw new RangeError(`options.workers must be an integer >= 0, got ${show(asked)}`);
  if (pool !== undefined && asked !== undefined && asked !== pool.workers) {
    throw new RangeError(`options.workers (${asked}) differs from options.pool's ${pool.workers} workers: give one of them`);
  }
  const workers = pool?.workers ?? asked ?? availableParallelism();
  const maxFailures = options.maxFailures ?? 1;
  if (!(maxFailures === Infinity || (Number.isInteger(maxFailures) && maxFailures >= 1))) {
    throw new RangeError(`options.maxFailures must be an integer >= 1 or Infinity, got ${show(maxFailures)}`);
  }
  const lanes = Math.max(1, Math.min(workers, seeds.length));
  const job: LaneJob = { module: scenario.module, name: scenario.name, seeds, faults, maxFailures: Math.min(maxFailures, 1e9) };
  const board = LaneBoard.create(job);
  const runs = workers === 0 ? await onThisThread(board, scenario) : await onWorkers(board, workers, lanes, pool);
  return report(runs, seeds, faults, maxFailures);
}

/**
 * A thread-per-core WorkStealingRuntime, by shape rather than `instanceof`: a pool made by another
 * copy of the worksteal package (two versions in one node_modules) works as well.
 */
function isThreadPerCorePool(value: unknown): value is WorkStealingRuntime {
  const p = value as Partial<WorkStealingRuntime> | null;
  return typeof p === 'object' && p !== null && p.stealing === false && Number.isInteger(p.workers)
    && typeof p.spawnOn === 'function' && typeof p.run === 'function';
}

/** The plan explore gives `seed`: generated from the seed when `faults` is given, else empty. */
export function planFor(seed: number, faults: PlanOptions | undefined): FaultPlan {
  return faults ? generatePlan(seed, faults) : emptyPlan();
}

async function onThisThread(board: LaneBoard, scenario: Scenario): Promise<LaneRun[]> {
  const runtime = await LocalRuntime.create({ clock: 'real' });
  try {
    const cx: TaskContext = { signal: new AbortController().signal, runtime };
    return await runLane(board, cx, scenario);
  } finally {
    await runtime.shutdown();
  }
}

async function onWorkers(board: LaneBoard, workers: number, lanes: number, pool: WorkStealingRuntime | undefined): Promise<LaneRun[]> {
  // Thread-per-core, one lane on each worker: a simulation yields to its thread's event loop every
  // turn, and a work-stealing worker that yields takes more work, so two lanes could share one worker
  // while the other idles.
  // A lane that fails (its worker died) ends the board, so the others stop taking seeds, and explore
  // returns only once every lane it started is over: none runs on in a pool the caller keeps.
  const runtime = pool ?? await WorkStealingRuntime.create({ workers, stealing: false });
  const running: Array<Promise<LaneRun[]>> = [];
  try {
    for (let i = 0; i < lanes; i++) {
      const lane = Promise.resolve(runtime.spawnOn(i, exploreLane, [board.buffer], { name: `explore-lane-${i}` }));
      lane.catch(() => board.end());
      running.push(lane);
    }
  } catch (error) {
    board.end();
    running.push(Promise.reject(error));
  }
  const outcomes = await Promise.allSettled(running);
  if (!pool) await runtime.shutdown();
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.flatMap((outcome) => (outcome as PromiseFulfilledResult<LaneRun[]>).value);
}

function report(runs: LaneRun[], seeds: number[], faults: PlanOptions | undefined, maxFailures: number): ExploreReport {
  runs.sort((a, b) => a.index - b.index);
  const failing = runs.filter((run) => run.error !== undefined).slice(0, maxFailures);
  const last = failing.length === maxFailures ? failing[failing.length - 1]!.index : seeds.length - 1;
  const kept = runs.filter((run) => run.index <= last);
  const declared = new Set<string>();
  const reached = new Set<string>();
  for (const run of kept) {
    for (const name of run.sometimes) declared.add(name);
    for (const name of run.reached) reached.add(name);
  }
  return {
    runs: kept.length,
    failures: failing.map((run) => ({
      seed: seeds[run.index]!, plan: planFor(seeds[run.index]!, faults), error: run.error!, traceHash: run.traceHash,
    })),
    neverReached: [...declared].filter((name) => !reached.has(name)).sort(),
    sometimes: [...declared].sort(),
  };
}

/** The most seeds one call takes (the list is handed to every lane whole): explore more in several calls. */
const MAX_SEEDS = 10_000_000;

function seedList(seeds: unknown): number[] {
  if (typeof seeds === 'number') {
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SEEDS) {
      throw new RangeError(`options.seeds must be a count from 1 to ${MAX_SEEDS} or an array of seeds, got ${show(seeds)}`);
    }
    return Array.from({ length: seeds }, (_, i) => i + 1);
  }
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new TypeError(`options.seeds must be a count or a non-empty array of integer seeds, got ${show(seeds)}`);
  }
  if (seeds.length > MAX_SEEDS) throw new RangeError(`options.seeds may list at most ${MAX_SEEDS} seeds, got ${seeds.length}`);
  return [...seeds] as number[];
}
