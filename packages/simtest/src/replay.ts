// replay: runs a scenario again from a replay file (or object) and tells whether it reproduced the same trace.
import { writeFileSync } from 'node:fs';
import { LocalRuntime } from '@runtime-traits/local';
import type { TaskContext } from '@runtime-traits/core';
import { checkPlanHosts } from './apply-plan.js';
import { checkScenario, show } from './internal/checks.js';
import { runScenario, type FailureInfo, type Scenario } from './internal/run-scenario.js';
import { readReplay, replayField, type ReplayFile } from './replay-file.js';

/** What {@link replay} saw. */
export interface ReplayResult {
  /** This run's trace hash. */
  traceHash: string;
  /** The file's trace hash (undefined for an object without one). */
  expectedTraceHash: string | undefined;
  /** The very same trace as when the file was written. */
  reproduced: boolean;
  /** What failed this time (undefined: the run passed — after a fix, say). */
  error: FailureInfo | undefined;
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Also write the (last) simulation's trace here, as JSON: the input of `runtime-traits-sim view`. */
  trace?: string;
}

/**
 * Runs `scenario` with the seed and plan of `fileOrReplay` on this thread and says whether the run
 * traced exactly as when the file was written.
 *
 * @param scenario The scenario the file was written for.
 * @param fileOrReplay A replay file's path, or its contents.
 * @param opts `trace`: also write this run's trace (JSON) there, for `runtime-traits-sim view`.
 * @throws TypeError for a bad scenario, an unreadable or malformed replay, a plan naming a host the
 *   scenario's simulation does not have, or a non-string `opts.trace`.
 */
export async function replay(scenario: Scenario, fileOrReplay: string | ReplayFile, opts: ReplayOptions = {}): Promise<ReplayResult> {
  checkScenario(scenario);
  const file = readReplay(fileOrReplay);
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`opts must be { trace? }, got ${show(opts)}`);
  if (opts.trace !== undefined && (typeof opts.trace !== 'string' || opts.trace === '')) throw new TypeError(`opts.trace must be a file path, got ${show(opts.trace)}`);
  const outcome = await runOnThisThread(scenario, file.seed, file.plan, opts.trace !== undefined);
  // A plan for other hosts is a bad input, not a finding: applyPlan refused it inside the scenario,
  // so the run "failed" without ever running the system. (No simulation seen: nothing to compare.)
  if (outcome.hosts.length > 0) checkPlanHosts(file.plan, outcome.hosts, replayField(fileOrReplay, 'plan'), `the simulation of scenario ${scenario.name}`);
  if (opts.trace !== undefined) writeFileSync(opts.trace, `${JSON.stringify(outcome.trace ?? [])}\n`);
  return {
    traceHash: outcome.traceHash,
    expectedTraceHash: file.traceHash,
    reproduced: file.traceHash !== undefined && file.traceHash === outcome.traceHash,
    error: outcome.error,
  };
}

/** One run on this thread, with a context whose runtime is a real-clock LocalRuntime (scenarios build their own Simulation). */
export async function runOnThisThread(scenario: Scenario, seed: number, plan: ReplayFile['plan'], keepTrace: boolean) {
  const runtime = await LocalRuntime.create({ clock: 'real' });
  try {
    const cx: TaskContext = { signal: new AbortController().signal, runtime };
    return await runScenario(scenario, cx, seed, plan, keepTrace);
  } finally {
    await runtime.shutdown();
  }
}
