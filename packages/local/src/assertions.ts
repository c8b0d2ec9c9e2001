// always/sometimes: Antithesis-style assertions that a simulation records, and the error a failed `always` raises.
//
// always(cond, name)     — must hold every time. False: the call throws SimAssertionError, and inside a
//                          Simulation the run fails at once (every run() of it rejects with that error,
//                          even when the caller swallows the throw) and the trace says `ALWAYS FAILED`.
// sometimes(cond, name)  — must hold at least once over many runs. Every call declares `name`; a true
//                          `cond` marks it reached. Tools (explore) list the names no run reached: a
//                          test that never took its partition path is a weak test, and this shows it.
import { RuntimeError } from '@runtime-traits/core';
import { show } from '@runtime-traits/core/kit';
import { currentSimulation } from './sim-context.js';

/** An `always` assertion was false. `.assertion` is its name, `.seed` the simulation's (when in one). */
export class SimAssertionError extends RuntimeError {
  static override readonly kind = 'SimAssertionError';
  /** The name given to the `always()` call that failed. */
  readonly assertion: string;
  /** The seed of the simulation it failed in, set when raised inside one (replay with it). */
  seed?: number | string;
  /**
   * @param assertion The `always()` name.
   * @param details What was seen instead, appended to the message.
   */
  constructor(assertion: string, details?: string) {
    super(`always(${JSON.stringify(assertion)}) failed${details ? `: ${details}` : ''}`, 'ERR_ASSERTION');
    this.name = 'SimAssertionError';
    this.assertion = assertion;
  }
}

/** What one simulation's assertions saw. */
export interface AssertionSummary {
  /** `sometimes` names called at least once, in first-call order. */
  readonly sometimes: readonly string[];
  /** Of those, the ones whose condition was true at least once. */
  readonly reached: readonly string[];
  /** `always` names called at least once. */
  readonly always: readonly string[];
  /** The first failed `always`, if any. */
  readonly failure: SimAssertionError | undefined;
}

/** @internal A simulation's record of its assertions. */
export class AssertionRecord {
  private readonly sometimesNames = new Map<string, boolean>();
  private readonly alwaysNames = new Set<string>();
  failure: SimAssertionError | undefined;

  /** Returns true the first time `name` is reached (the caller traces it once). */
  sometimes(name: string, cond: boolean): boolean {
    const before = this.sometimesNames.get(name);
    if (before === true || (before === false && !cond)) return false;
    this.sometimesNames.set(name, cond);
    return cond;
  }

  always(name: string): void {
    this.alwaysNames.add(name);
  }

  summary(): AssertionSummary {
    const sometimes = [...this.sometimesNames.keys()];
    return {
      sometimes,
      reached: sometimes.filter((name) => this.sometimesNames.get(name)),
      always: [...this.alwaysNames],
      failure: this.failure,
    };
  }
}

/**
 * Asserts that `cond` holds. False: throws SimAssertionError; inside a Simulation the whole run
 * fails at once too. `details` (optional) is added to the message, e.g. a counterexample.
 *
 * @param cond The condition that must hold.
 * @param name A stable name for the assertion (it identifies the failure to shrink and replay).
 * @param details Added to the message when the assertion fails.
 * @throws SimAssertionError when `cond` is falsy; TypeError for an empty `name` or non-string `details`.
 */
export function always(cond: unknown, name: string, details?: string): asserts cond {
  checkName(name);
  if (details !== undefined && typeof details !== 'string') throw new TypeError(`details must be a string, got ${show(details)}`);
  const sim = currentSimulation();
  sim?.assertions.always(name);
  if (cond) return;
  const error = new SimAssertionError(name, details);
  if (sim) sim.failAssertion(error);
  throw error;
}

/** Records that `name` was reached when `cond` is true (and declares `name` either way). Outside a simulation: nothing. */
export function sometimes(cond: unknown, name: string): void {
  checkName(name);
  const sim = currentSimulation();
  if (sim && sim.assertions.sometimes(name, Boolean(cond))) sim.note(`SOMETIMES ${name}`);
}

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') throw new TypeError(`name must be a non-empty string, got ${show(name)}`);
  if (/[\r\n]/.test(name)) throw new TypeError(`name must be one line, got ${show(name)}`);
}
