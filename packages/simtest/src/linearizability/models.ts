// Ready models: a register (write/read) and a key-value map (get/set/incr) partitioned by key.
import type { Model, Operation } from './model.js';
import { valueKey, type IdentityIds } from './value-key.js';

/**
 * Equal values: the same primitive (-0 and 0 differ, NaN equals NaN); arrays and plain objects with
 * equal members (key order aside); Dates of one time; Maps and Sets with equal entries in the same
 * order; RegExps of one source and flags; any other object, one class with equal toJSON() results
 * or, without toJSON, equal own members. WHY through valueKey: the
 * search memoises states by that key (the default `Model.key`), so equality and the key are one
 * definition and cannot drift.
 */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  const ids: IdentityIds = new Map();
  return valueKey(a, ids) === valueKey(b, ids);
}

/** A single register. Ops: 'write' (input = the value), 'read' (output = the value). Starts at `initial` (default null). */
export function register(initial: unknown = null): Model<unknown> {
  return {
    init: () => initial,
    step(state, op) {
      if (op.op === 'write') return op.input === undefined ? null : op.input;
      if (op.op === 'read') return op.output === undefined || same(op.output, state) ? state : undefined;
      throw new TypeError(`register: unknown op ${JSON.stringify(op.op)} (expected 'write' or 'read')`);
    },
  };
}

/** A key's value as the kv model sees it: a string, or null when missing. */
type Value = string | null;

/**
 * A key-value map with Redis's GET/SET/INCR, checked key by key. Ops (input `{ key, value? }`):
 * 'get' (output: the string or null), 'set' (value: stored as its string), 'incr' (output: the new
 * number; a missing key counts as 0). A pending op's output is undefined: any.
 */
export function kv(): Model<Value> {
  return {
    init: () => null,
    step(state, op) {
      switch (op.op) {
        case 'get':
          return op.output === undefined || op.output === state ? state : undefined;
        case 'set':
          return String((op.input as { value: unknown }).value);
        case 'incr': {
          const n = state === null ? 0 : Number(state);
          if (!Number.isSafeInteger(n)) return op.output === undefined ? state : undefined;
          if (op.output !== undefined && op.output !== n + 1) return undefined;
          return String(n + 1);
        }
        default:
          throw new TypeError(`kv: unknown op ${JSON.stringify(op.op)} (expected 'get', 'set' or 'incr')`);
      }
    },
    partition(history: readonly Operation[]): Operation[][] {
      const byKey = new Map<string, Operation[]>();
      for (const [i, op] of history.entries()) {
        const input = op.input as { key?: unknown; value?: unknown } | null;
        if (typeof input !== 'object' || input === null || typeof input.key !== 'string') {
          throw new TypeError(`kv: history[${i}].input must be { key: string${op.op === 'set' ? ', value' : ''} }, got ${JSON.stringify(op.input)}`);
        }
        if (op.op === 'set' && input.value === undefined) throw new TypeError(`kv: history[${i}] is a set without input.value`);
        const key = input.key;
        const list = byKey.get(key);
        if (list) list.push(op);
        else byKey.set(key, [op]);
      }
      return [...byKey.keys()].sort().map((key) => byKey.get(key)!);
    },
    key: (state) => (state === null ? 'null' : `=${state}`),
  };
}
