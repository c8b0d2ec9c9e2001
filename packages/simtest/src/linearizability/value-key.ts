// valueKey: one canonical string per value, equal exactly for the values the register model counts as equal.
//
// WHY not JSON.stringify: it writes distinct values alike (NaN, Infinity and null; -0 and 0; a Date
// and its ISO string; every Map and Set as {}) and throws on bigint. The search memoises on state
// keys, so two distinct states with one key made it skip a branch and reject valid histories.
//
// The encoding: every value starts with a tag of its type, strings and keys are JSON-quoted, and
// composites are bracketed, so no two encodings of different values coincide:
//   u undefined   l null   t/f booleans   n<String(x)> numbers (n-0 for -0, nNaN…)   i<x> bigints
//   s"…" strings   #<id> symbols and functions (by identity)
//   objects: their class (O plain, N null-prototype, A Array, D Date, M Map, S Set, C<id>: any
//   other prototype, subclasses included), then their content — own keys sorted, each with its
//   value (key order does not matter) for arrays and plain objects; the time for Dates; entries in
//   order for Maps and Sets; for a RegExp its source and flags; for any other object what its
//   toJSON() returns, if it has one, else its own enumerable members, as for a plain object.
// Identity ids are numbered per `ids` map, so keys compare only within one map.

/** Numbers things that compare by identity (symbols, functions, prototypes) in the order first met. */
export type IdentityIds = Map<unknown, number>;

/** The canonical key of `value`; values with one key are equal, and equal values have one key. */
export function valueKey(value: unknown, ids: IdentityIds = new Map()): string {
  switch (typeof value) {
    case 'undefined': return 'u';
    case 'boolean': return value ? 't' : 'f';
    case 'number': return Object.is(value, -0) ? 'n-0' : `n${value}`;
    case 'bigint': return `i${value}`;
    case 'string': return `s${JSON.stringify(value)}`;
    case 'symbol': case 'function': return `#${idOf(value, ids)}`;
  }
  if (value === null) return 'l';
  return `${classTag(Object.getPrototypeOf(value), ids)}${content(value as object, ids)}`; // typeof narrowed it to an object
}

/** The standard classes by a letter, any other prototype (subclasses too) by its id. */
function classTag(proto: unknown, ids: IdentityIds): string {
  switch (proto) {
    case Object.prototype: return 'O';
    case null: return 'N';
    case Array.prototype: return 'A';
    case Date.prototype: return 'D';
    case Map.prototype: return 'M';
    case Set.prototype: return 'S';
    default: return `C${idOf(proto, ids)}:`;
  }
}

function content(value: object, ids: IdentityIds): string {
  if (value instanceof Date) return String(value.getTime());
  if (value instanceof Map) return `[${[...value].map(([k, v]) => `${valueKey(k, ids)}=${valueKey(v, ids)}`).join(',')}]`;
  if (value instanceof Set) return `[${[...value].map((v) => valueKey(v, ids)).join(',')}]`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value) || proto === Object.prototype || proto === null) return members(value as Record<string, unknown>, ids);
  if (value instanceof RegExp) return JSON.stringify(String(value));
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return `j${valueKey(toJSON.call(value, ''), ids)}`;
  return members(value as Record<string, unknown>, ids);
}

/** Own enumerable keys, sorted, each with its value's key. */
function members(obj: Record<string, unknown>, ids: IdentityIds): string {
  return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${valueKey(obj[k], ids)}`).join(',')}}`;
}

function idOf(thing: unknown, ids: IdentityIds): number {
  let id = ids.get(thing);
  if (id === undefined) ids.set(thing, (id = ids.size));
  return id;
}
