// One explore lane: takes run indices from the shared board and runs the scenario for each, one after another.
import { defineTask, type TaskContext } from '@runtime-traits/core';
import { emptyPlan, generatePlan, type PlanOptions } from '../plan.js';
import { LaneBoard } from './lane-board.js';
import { runScenario, type FailureInfo, type Scenario } from './run-scenario.js';

export interface LaneJob {
  module: string;
  name: string;
  seeds: number[];
  faults: PlanOptions | undefined;
  maxFailures: number;
}

/** What one run left behind (kept small: it crosses threads). */
export interface LaneRun {
  index: number;
  error?: FailureInfo;
  traceHash: string;
  sometimes: string[];
  reached: string[];
}

/**
 * Runs the board's job: takes run indices until they are all taken (or enough failures are known).
 * `given`: the scenario itself, on the thread that called explore (its module may still be loading:
 * a script that awaits explore at its top level).
 */
export async function runLane(board: LaneBoard, cx: TaskContext, given?: Scenario): Promise<LaneRun[]> {
  const job = board.job<LaneJob>();
  const scenario = given ?? await loadScenario(job.module, job.name);
  const runs: LaneRun[] = [];
  for (let index = board.take(); index < job.seeds.length; index = board.take()) {
    if (index > board.cutoff(job.maxFailures)) break;
    if (cx.signal.aborted) break;
    const seed = job.seeds[index]!;
    const plan = job.faults ? generatePlan(seed, job.faults) : emptyPlan();
    const outcome = await runScenario(scenario, cx, seed, plan);
    const run: LaneRun = { index, traceHash: outcome.traceHash, sometimes: outcome.sometimes, reached: outcome.reached };
    if (outcome.error) {
      run.error = outcome.error;
      board.recordFailure(index);
    }
    runs.push(run);
  }
  return runs;
}

/** The lane as a portable task, for the pool (one lane per worker, placed with spawnOn). */
export const exploreLane = defineTask(import.meta.url, 'exploreLane', (cx: TaskContext, buffer: SharedArrayBuffer) =>
  runLane(new LaneBoard(buffer), cx));

/** Scenario modules being imported on this thread (a module that calls explore as it loads would start lanes without end). */
let importing = 0;

/** Throws when called while this thread imports a scenario's module: that module calls explore as it loads. */
export function checkNotImportingScenario(): void {
  if (importing > 0) {
    throw new Error('explore was called while a scenario\'s module was being imported on a worker: a module that defines a scenario must not call explore (or simTest) as it loads, or each worker would start its own explore');
  }
}

/** Imports `module` and returns its export `name`, checked to be a TaskDef. */
export async function loadScenario(module: string, name: string): Promise<Scenario> {
  let exports: Record<string, unknown>;
  importing++;
  try {
    exports = await import(module) as Record<string, unknown>;
  } catch (error) {
    throw new Error(
      `scenario: importing ${module} failed (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}). `
      + 'Each worker, and a replay, imports the scenario\'s module on its own: define scenarios in a module that loads anywhere '
      + '(not a mocha test file, which needs mocha\'s globals, and without explore or simTest at its top level)',
      { cause: error });
  } finally {
    importing--;
  }
  const def = exports[name] as Scenario | undefined;
  if (!def || typeof def.fn !== 'function' || def.module !== module || def.name !== name) {
    throw new TypeError(`scenario: ${module} does not export a TaskDef named ${JSON.stringify(name)}`);
  }
  return def;
}
