// checkLinearizable: splits a history by the model's partition, searches each part, and shrinks a failing part to a minimal counterexample.
import { show } from '../internal/checks.js';
import type { CheckResult, Model, Operation } from './model.js';
import { isPending } from './model.js';
import { isLinearizable, search, type StepCounter } from './search.js';

/** Options of {@link checkLinearizable}. */
export interface CheckOptions {
  /** Shrink a failing part to a minimal counterexample (default true; false answers sooner on huge histories). */
  minimize?: boolean;
}

/**
 * True when the operations of `history` could have taken effect one at a time, each at an instant
 * between its call and its return, in an order the sequential `model` accepts.
 *
 * @param history The operations as clients saw them (a `History`'s `operations()`, or your own).
 * @param model The sequential object the history should behave like (see `models`).
 * @param opts `minimize: false` skips shrinking the counterexample.
 * @returns `{ ok: true }`, or `{ ok: false, counterexample }` for the first failing partition.
 * @throws TypeError when `history` is not an array of operations or `model` lacks `init`/`step`; RangeError
 *   for an operation that returns before its call.
 */
export function checkLinearizable<S>(history: readonly Operation[], model: Model<S>, opts: CheckOptions = {}): CheckResult {
  checkHistory(history);
  checkModel(model);
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`opts must be { minimize? }, got ${show(opts)}`);
  if (opts.minimize !== undefined && typeof opts.minimize !== 'boolean') throw new TypeError(`opts.minimize must be a boolean, got ${show(opts.minimize)}`);
  const parts = model.partition ? model.partition(history) : [history.slice()];
  for (const part of parts) {
    const counter: StepCounter = { steps: 0, limit: Infinity };
    if (isLinearizable(part, model, counter)) continue;
    if (opts.minimize === false) return { ok: false, counterexample: byCall(part) };
    return { ok: false, ...minimize(part, model, counter.steps) };
  }
  return { ok: true };
}

/**
 * A short non-linearizable sub-history of `ops` that still tells the story, and the operations
 * whose outputs and effects the contradiction needs:
 *   1. cut to the shortest prefix (by call) that fails — nothing after the contradiction;
 *   2. weaken: let operations have failed silently — taken effect within their own call–return
 *      window with any output, or not at all — while it still fails (delta debugging). What is not
 *      weakened is `essential`: weaken any one of those too and the prefix is linearizable.
 * WHY not delete operations: deleting a write leaves a read of a value nobody wrote, which fails
 * alone — minimal, but no story. The prefix keeps the writes that explain what was read.
 * WHY weaken within the window, not to "unknown outcome" (pending until the end): k pending
 * operations cost the search up to 2^k configurations each time it proves a failure (a 17-op
 * sequential history took seconds, 23 ops half a minute); a weakened operation is settled once its
 * window is past (search.ts), so a sequential history stays a linear search.
 * WHY a step budget: concurrent weakened operations still multiply the search. The weakening's
 * searches share MINIMIZE_BUDGET_FACTOR times the failing check's steps (at least
 * MINIMIZE_MIN_STEPS); one that runs out counts as "not shown to fail", so the operation stays
 * essential: the answer is still a failing history, deterministic (steps, not time), maybe not minimal.
 */
function minimize<S>(ops: readonly Operation[], model: Model<S>, checkSteps: number): { counterexample: Operation[]; essential: Operation[] } {
  const fails = (subset: readonly Operation[]): boolean => !isLinearizable(subset, model);
  let current = byCall(ops);
  let lo = 1;
  let hi = current.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(current.slice(0, mid))) hi = mid;
    else lo = mid + 1;
  }
  if (fails(current.slice(0, lo))) current = current.slice(0, lo); // prefixes need not fail monotonically: checked
  if (current.length > WEAKEN_LIMIT) return { counterexample: current, essential: current };
  const counter: StepCounter = { steps: 0, limit: Math.max(MINIMIZE_MIN_STEPS, MINIMIZE_BUDGET_FACTOR * checkSteps) };
  const stillFails = (kept: readonly Operation[]): boolean => {
    const keep = new Set(kept);
    const weakened = current.map((op) => (keep.has(op) ? op : { ...op, output: undefined }));
    return search(weakened, model, current.map((op) => !keep.has(op)), counter) === false;
  };
  const essential = ddmin(current, stillFails);
  return { counterexample: current, essential };
}

/** Above this many operations, a counterexample is only cut to its shortest failing prefix. */
const WEAKEN_LIMIT = 400;
/** The weakening's searches may take this many times the steps of the check that failed... */
const MINIMIZE_BUDGET_FACTOR = 4;
/** ...and at least this many (~0.1 s; a sequential 200-op history needs 1.6 × 10^5). */
const MINIMIZE_MIN_STEPS = 500_000;

/** Delta debugging: a 1-minimal subset of `items` for which `test` holds (test(items) must hold). */
function ddmin<T>(items: readonly T[], test: (subset: T[]) => boolean): T[] {
  let current = items.slice();
  if (current.length === 0) return current;
  for (let chunk = Math.max(1, current.length >> 1); ; chunk >>= 1) {
    for (let start = 0; start < current.length;) {
      const without = [...current.slice(0, start), ...current.slice(start + chunk)];
      if (test(without)) current = without;
      else start += chunk;
    }
    if (chunk <= 1) break;
  }
  return current;
}

function byCall(ops: readonly Operation[]): Operation[] {
  return ops.slice().sort((a, b) => a.call - b.call || (isPending(a) ? Infinity : a.return) - (isPending(b) ? Infinity : b.return));
}

function checkHistory(history: unknown): void {
  if (!Array.isArray(history)) throw new TypeError(`history must be an array of operations, got ${show(history)}`);
  for (let i = 0; i < history.length; i++) { // a for loop, not forEach: a hole in the array is a bad operation too
    const op = history[i] as Operation;
    if (typeof op !== 'object' || op === null || typeof op.op !== 'string') throw new TypeError(`history[${i}] must be an operation { client, op, input, output, call, return }, got ${show(op)}`);
    if (typeof op.call !== 'number' || !Number.isFinite(op.call)) throw new TypeError(`history[${i}].call must be a finite number, got ${show(op.call)}`);
    if (!isPending(op) && (typeof op.return !== 'number' || Number.isNaN(op.return))) throw new TypeError(`history[${i}].return must be a number (Infinity: unknown outcome), got ${show(op.return)}`);
    if (!isPending(op) && op.return < op.call) throw new RangeError(`history[${i}] returns (${op.return}) before its call (${op.call})`);
    if (isPending(op) && op.output !== undefined) {
      throw new TypeError(`history[${i}] has an unknown outcome (return ${show(op.return)}) but an output (${show(op.output)}): give it a return time, or no output`);
    }
  }
}

function checkModel(model: unknown): void {
  const m = model as Model;
  if (typeof m !== 'object' || m === null || typeof m.init !== 'function' || typeof m.step !== 'function') {
    throw new TypeError(`model must be { init, step, partition? }, got ${show(model)}`);
  }
}
