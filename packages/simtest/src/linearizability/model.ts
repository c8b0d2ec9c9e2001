// Operations, histories and models: what the linearizability checker reads.

/**
 * One operation of a history. `call` and `return` are any numbers ordered as real time (virtual ms,
 * or the History recorder's event counter); a `return` of Infinity (or null, as JSON writes it)
 * marks an operation whose outcome is unknown — it may have taken effect at any point after its
 * call, or never — and its `output` is then undefined.
 */
export interface Operation {
  /** Who issued it; a client's operations never overlap. */
  client: string;
  /** The operation's name, as the model's `step` knows it (`get`, `put`, `cas`…). */
  op: string;
  /** Its arguments. */
  input: unknown;
  /** What it returned; undefined when unknown. */
  output: unknown;
  /** When it was called. */
  call: number;
  /** When it returned; Infinity when its outcome is unknown. */
  return: number;
  /** Virtual times of the call and return, for display only (the History recorder fills them). */
  at?: [call: number, ret: number | null];
}

/** Describes a sequential object: its initial state and what each operation does. */
export interface Model<S = unknown> {
  /** The object's state before any operation. */
  init(): S;
  /**
   * The state after `op` (with its `output`) in `state`, or undefined when that output is
   * impossible there. An `output` of undefined means unknown: accept any. States must not be undefined.
   */
  step(state: S, op: Operation): S | undefined;
  /** Splits a history into independent parts (a key-value map: one per key), checked one by one. */
  partition?(history: readonly Operation[]): Operation[][];
  /**
   * A string equal exactly for equal states (memoisation: two states with one key must behave alike).
   * Default: a canonical encoding that tells types apart and compares Maps, Sets and Dates by
   * content, -0 and 0 apart, NaN as NaN, bigints by value (the register model's equality).
   */
  key?(state: S): string;
}

/** The checker's answer. */
export interface CheckResult {
  /** True when the history is linearizable. */
  ok: boolean;
  /**
   * When not ok: the shortest non-linearizable prefix (by call) of the first failing partition (a
   * key, for the kv model), by call time.
   */
  counterexample?: Operation[];
  /**
   * The operations of the counterexample whose outputs and effects the contradiction needs: with
   * every other one weakened (it may have taken effect within its call–return window with any
   * output, or not at all) the counterexample still fails; weaken any one of these too and it
   * becomes linearizable (found by delta debugging, within a step budget: past it, possibly more).
   */
  essential?: Operation[];
}

export function isPending(op: Operation): boolean {
  return op.return === Infinity || op.return === null || op.return === undefined;
}
