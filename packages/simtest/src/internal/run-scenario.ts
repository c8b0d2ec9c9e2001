// Runs a scenario once for one seed and plan, on this thread: what failed, the trace hash, and what its assertions saw.
//
// HOW: the scenario (a TaskDef) builds its own Simulation(s); observeSimulations catches each one
// built while it runs, so a failed `always` counts even when the scenario swallowed the throw, and
// the trace hash covers every simulation it built. Runs on one thread never overlap (each waits
// for the previous one: two explore lanes that land on one worker, or two explore calls at once,
// take turns), so what the observer sees belongs to this run.
import type { TaskContext, TaskDef } from '@runtime-traits/core';
import { observeSimulations, type Simulation } from '@runtime-traits/local';
import type { FaultPlan } from '../plan.js';

/**
 * A simulation scenario: a portable task (made with `defineTask`) that takes a seed and a fault plan,
 * builds its own Simulation(s) with that seed, applies the plan (`applyPlan`) and throws when the
 * system misbehaves. Portable so explore can run it on worker threads.
 */
export type Scenario = TaskDef<[seed: number, plan: FaultPlan], void>;

/** A failure as plain data: it crosses threads and goes into replay files. */
export interface FailureInfo {
  /** The error's name (`SimAssertionError`, `TimeoutError`…). */
  name: string;
  /** The error's message. */
  message: string;
  /** The error's code, when it had a string one. */
  code?: string;
  /** The name of the failed `always`, when that is what failed. */
  assertion?: string;
  /** The error's stack, where it was made. */
  stack?: string;
}

export interface RunOutcome {
  error: FailureInfo | undefined;
  traceHash: string;
  /** `sometimes` names declared, and those reached, in this run. */
  sometimes: string[];
  reached: string[];
  /** The hosts of every simulation the run built, in the order they were made. */
  hosts: string[];
  /** The trace of the (last) simulation, when asked for. */
  trace?: string[];
}

/** The end of the last run started on this thread: runs queue behind it, so they never overlap. */
let threadTurn: Promise<unknown> = Promise.resolve();

export function runScenario(scenario: Scenario, cx: TaskContext, seed: number, plan: FaultPlan, keepTrace = false): Promise<RunOutcome> {
  const run = threadTurn.then(() => runAlone(scenario, cx, seed, plan, keepTrace));
  threadTurn = run.catch(() => undefined);
  return run;
}

async function runAlone(scenario: Scenario, cx: TaskContext, seed: number, plan: FaultPlan, keepTrace: boolean): Promise<RunOutcome> {
  const sims: Simulation[] = [];
  const stop = observeSimulations((sim) => sims.push(sim));
  let thrown: unknown;
  let failed = false;
  try {
    await scenario.fn(cx, seed, plan);
  } catch (error) {
    failed = true;
    thrown = error;
  } finally {
    stop();
  }
  const sometimes = new Set<string>();
  const reached = new Set<string>();
  let assertionFailure: Error | undefined;
  for (const sim of sims) {
    const summary = sim.assertionSummary();
    for (const name of summary.sometimes) sometimes.add(name);
    for (const name of summary.reached) reached.add(name);
    assertionFailure ??= summary.failure;
  }
  // A failed `always` wins over whatever the scenario threw afterwards (often a consequence of it).
  const error = assertionFailure ? toFailureInfo(assertionFailure) : failed ? toFailureInfo(thrown) : undefined;
  const outcome: RunOutcome = {
    error,
    traceHash: sims.map((sim) => sim.traceHash()).join('+'),
    sometimes: [...sometimes],
    reached: [...reached],
    hosts: [...new Set(sims.flatMap((sim) => sim.hostNames()))],
  };
  if (keepTrace) outcome.trace = sims.length > 0 ? sims[sims.length - 1]!.trace() : [];
  return outcome;
}

export function toFailureInfo(error: unknown): FailureInfo {
  if (!(error instanceof Error)) return { name: 'Error', message: `non-error thrown: ${String(error)}` };
  const e = error as Error & { code?: unknown; assertion?: unknown };
  const info: FailureInfo = { name: e.name, message: e.message };
  if (typeof e.code === 'string') info.code = e.code;
  if (typeof e.assertion === 'string') info.assertion = e.assertion;
  if (typeof e.stack === 'string') info.stack = e.stack;
  return info;
}

/** Two failures are "the same" for shrinking when their kind matches: class name, code and assertion name. */
export function sameFailure(a: FailureInfo | undefined, b: FailureInfo | undefined): boolean {
  if (!a || !b) return false;
  return a.name === b.name && a.code === b.code && a.assertion === b.assertion;
}
