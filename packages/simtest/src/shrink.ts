// shrink: from a failing seed and plan, the smallest plan that still fails the same way — fewest faults, then earliest times.
//
// HOW (greedy, deterministic, runs on this thread):
//   1. drop faults: try removing halves, quarters… then single faults (delta debugging); keep a
//      removal whenever the run still fails with the same kind of failure (class, code, assertion);
//   2. move each fault as early as it can go: binary search on its time in [0, at] (a candidate
//      counts only if it still fails the same way; the plan stays sorted by time);
//   3. repeat 1–2 until a round changes nothing (at most `rounds` rounds).
// The seed never changes: the scheduler's choices and latencies come from it, only the plan shrinks.
import { checkScenario, show } from './internal/checks.js';
import { sameFailure, type FailureInfo, type Scenario } from './internal/run-scenario.js';
import { checkPlan, sortFaults, type Fault, type FaultPlan } from './plan.js';
import { runOnThisThread } from './replay.js';
import { withoutStack, writeReplayFile } from './replay-file.js';

/** Options of {@link shrink}. */
export interface ShrinkOptions {
  /** Write the shrunk replay file here. */
  file?: string;
  /** Give up shrinking after this many scenario runs (the plan found so far is returned). Default 500. */
  maxRuns?: number;
  /** Shrinking rounds (each: drop faults, then move them earlier). Default 3. */
  rounds?: number;
}

/** The smallest failing plan {@link shrink} found. */
export interface ShrinkResult {
  /** The seed (unchanged from the input). */
  seed: number;
  /** The shrunk plan: fewest faults, then earliest times. */
  plan: FaultPlan;
  /** What failed with the shrunk plan (the same kind of failure as before). */
  error: FailureInfo;
  /** The run's trace hash: a replay reproduces it. */
  traceHash: string;
  /** Scenario runs spent. */
  runs: number;
}

/**
 * From a failing seed and plan, finds the smallest plan that still fails the same way (same error
 * class, code and assertion): fewest faults first, then each as early as it can go. Runs on this thread.
 *
 * @param scenario The scenario that failed.
 * @param failure The failing seed and plan (an {@link ExploreFailure} will do); `error` pins the kind of failure to keep.
 * @param opts A file to write the shrunk replay to, and limits on the work.
 * @throws TypeError or RangeError for a bad argument; an Error when the seed and plan do not fail on this thread.
 */
export async function shrink(
  scenario: Scenario, failure: { seed: number; plan: FaultPlan; error?: FailureInfo }, opts: ShrinkOptions = {},
): Promise<ShrinkResult> {
  checkScenario(scenario);
  if (typeof failure !== 'object' || failure === null || !Number.isSafeInteger(failure.seed)) {
    throw new TypeError(`failure must be { seed, plan } (an explore failure), got ${show(failure)}`);
  }
  checkPlan(failure.plan, 'failure.plan');
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`opts must be { file?, maxRuns?, rounds? }, got ${show(opts)}`);
  if (opts.file !== undefined && (typeof opts.file !== 'string' || opts.file === '')) throw new TypeError(`opts.file must be a file path, got ${show(opts.file)}`);
  const maxRuns = opts.maxRuns ?? 500;
  const rounds = opts.rounds ?? 3;
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new RangeError(`opts.maxRuns must be an integer >= 1, got ${show(maxRuns)}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`opts.rounds must be an integer >= 1, got ${show(rounds)}`);
  const seed = failure.seed;
  let runs = 0;
  const first = await runOnThisThread(scenario, seed, failure.plan, false);
  runs++;
  if (!first.error) throw new Error(`shrink: seed ${seed} with this plan does not fail on this thread, so there is nothing to shrink`);
  const target = failure.error && sameFailure(failure.error, first.error) ? failure.error : first.error;
  let best = { faults: sortFaults(failure.plan.faults), error: first.error, traceHash: first.traceHash };

  /** Runs a candidate; adopts it when it fails the same way. */
  const attempt = async (faults: Fault[]): Promise<boolean> => {
    if (runs >= maxRuns) return false;
    runs++;
    const sorted = sortFaults(faults);
    const outcome = await runOnThisThread(scenario, seed, { faults: sorted }, false);
    if (!sameFailure(outcome.error, target)) return false;
    best = { faults: sorted, error: outcome.error!, traceHash: outcome.traceHash };
    return true;
  };

  for (let round = 0; round < rounds && runs < maxRuns; round++) {
    const before = JSON.stringify(best.faults);
    await dropFaults(() => best.faults, attempt);
    await moveEarlier(() => best.faults, attempt);
    if (JSON.stringify(best.faults) === before) break;
  }
  const result: ShrinkResult = { seed, plan: { faults: best.faults }, error: best.error, traceHash: best.traceHash, runs };
  if (opts.file !== undefined) {
    writeReplayFile(opts.file, {
      version: 1, scenario: { module: scenario.module, name: scenario.name }, seed, plan: result.plan, traceHash: result.traceHash, error: withoutStack(result.error),
    });
  }
  return result;
}

type Attempt = (faults: Fault[]) => Promise<boolean>;

/** Delta debugging over the fault list: remove chunks of halving size, down to single faults. */
async function dropFaults(current: () => Fault[], attempt: Attempt): Promise<void> {
  for (let chunk = Math.max(1, Math.floor(current().length / 2)); chunk >= 1; chunk = Math.floor(chunk / 2)) {
    for (let start = 0; start < current().length;) {
      const faults = current();
      const without = [...faults.slice(0, start), ...faults.slice(start + chunk)];
      if (!(await attempt(without))) start += chunk;
    }
    if (chunk === 1) break;
  }
}

/** Each fault as early as it still fails: binary search on its time, in the order the faults had. */
async function moveEarlier(current: () => Fault[], attempt: Attempt): Promise<void> {
  for (const original of [...current()]) {
    let target = original;
    let lo = 0;
    let hi = target.at;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const moved = { ...target, at: mid } as Fault;
      if (await attempt([...current().filter((f) => f !== target), moved])) {
        target = moved; // sortFaults keeps the objects: the adopted plan holds `moved` itself
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
  }
}
