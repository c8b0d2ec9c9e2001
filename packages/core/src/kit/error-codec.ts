// Errors as plain records and back, so a failure crossing a thread, process or machine keeps its class, message, code, stack, cause and own fields.
import type { Capability } from '../capabilities.js';
import {
  CancelledError, DeadlockError, NetError, RuntimeError, RuntimeShutdownError, TimeoutError, UnsupportedError, WorkerCrashedError,
} from '../errors.js';

/**
 * A thrown value as structured-cloneable (and, but for `value`, JSON-safe) data.
 * Invariants: `kind` is 'value' exactly when `value` holds a thrown non-error (then name and
 * message are ''); else it is the RuntimeError family's kind ('NetError', …), the nearest built-in
 * error class ('TypeError', 'RangeError', … 'Error'), or a brand this codec does not know.
 */
export interface ErrorRecord {
  /** Which class to rebuild: a RuntimeError kind, a built-in error class name, an unknown brand, or 'value'. */
  kind: string;
  /** The error's `name` as thrown (`AbortError` for a CancelledError); '' for kind 'value'. */
  name: string;
  /** The error's message; '' for kind 'value'. */
  message: string;
  /** Kept when a string or a number. */
  code?: string | number;
  /** The stack where the error was made (the remote one, on arrival). */
  stack?: string;
  /** UnsupportedError's capability. */
  capability?: string;
  /** NetError's syscall. */
  syscall?: string;
  /** DeadlockError's stuck tasks. */
  tasks?: string[];
  /** A thrown non-error that clones (kind 'value'); as a cause, only a JSON-exact one (see {@link isJsonExact}). */
  value?: unknown;
  /** The error's `cause`, when it has one: an error's record, or a JSON-exact value's (else its text as an Error). */
  cause?: ErrorRecord;
  /** An AggregateError's `errors`, each as a record. */
  errors?: ErrorRecord[];
  /**
   * The error's other own enumerable fields whose values are strings, booleans, finite numbers or
   * null: a system error's `errno` and `path`, a NetError's `address` and `port`, a library's `statusCode`.
   */
  props?: Record<string, string | number | boolean | null>;
}

/** How deep causes (and an AggregateError's errors) are followed. */
const MAX_DEPTH = 8;
/** How many records one error may become in all (an AggregateError of AggregateErrors grows fast). */
const MAX_RECORDS = 64;

/** One encode's walk: the records made so far, and the errors already on the path (a cycle ends there). */
interface Walk {
  records: number;
  readonly path: Set<object>;
}

/** Fields the record keeps in fields of its own, or that a rebuilt error makes itself. */
const NOT_PROPS = new Set(['name', 'message', 'stack', 'code', 'cause', 'errors', 'capability', 'syscall', 'tasks']);

const KIND = Symbol.for('@runtime-traits/core/error-kind');

/** The built-in classes rebuilt as themselves, most specific first (Error last). */
const NATIVE: Record<string, ErrorConstructor | AggregateErrorConstructor> = {
  TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError, Error,
};
const NATIVE_NAMES = Object.keys(NATIVE);

/** An Error (from this realm or another, e.g. a vm context) or a member of the RuntimeError family. */
export function isErrorLike(value: unknown): value is Error {
  try {
    return value instanceof Error || RuntimeError.is(value) || Object.prototype.toString.call(value) === '[object Error]';
  } catch {
    return false; // a proxy whose traps throw
  }
}

/**
 * `thrown` as a record: an error's parts, a thrown non-error as a value if it clones, else its text
 * as an Error. Never throws: a value that cannot even be looked at (a revoked proxy, a getter that
 * throws) becomes an Error saying so.
 */
export function encodeError(thrown: unknown): ErrorRecord {
  return encodeAt(thrown, 0, { records: 0, path: new Set() });
}

function encodeAt(thrown: unknown, depth: number, walk: Walk): ErrorRecord {
  walk.records++;
  try {
    return encode(thrown, depth, walk);
  } catch {
    return { kind: 'Error', name: 'Error', message: `a thrown ${typeof thrown} that cannot be inspected` };
  }
}

function encode(thrown: unknown, depth: number, walk: Walk): ErrorRecord {
  if (!isErrorLike(thrown)) {
    // A thrown value as structured clone keeps it; a cause only if JSON keeps it too (records of
    // errors travel as JSON over BullMQ, and a cause must arrive the same on every transport).
    if (depth === 0 ? clones(thrown) : isJsonExact(thrown, 0)) return { kind: 'value', name: '', message: '', value: thrown };
    return { kind: 'Error', name: 'Error', message: safeText(thrown) };
  }
  const e = thrown as Error & {
    code?: unknown; capability?: unknown; syscall?: unknown; tasks?: unknown; cause?: unknown; errors?: unknown; [KIND]?: unknown;
  };
  const brand = e[KIND];
  const record: ErrorRecord = {
    kind: typeof brand === 'string' ? brand : nativeKind(e),
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : safeText(e.message),
  };
  if (typeof e.code === 'string' || typeof e.code === 'number') record.code = e.code;
  if (typeof e.stack === 'string') record.stack = e.stack;
  if (typeof e.capability === 'string') record.capability = e.capability;
  if (typeof e.syscall === 'string') record.syscall = e.syscall;
  if (Array.isArray(e.tasks)) record.tasks = e.tasks.map(String);
  // What follows is extra: a getter or proxy trap that throws loses that part, never the error.
  if (depth < MAX_DEPTH && !walk.path.has(e)) {
    walk.path.add(e);
    attempt(() => {
      const cause = e.cause;
      if (cause !== undefined && walk.records < MAX_RECORDS) record.cause = encodeAt(cause, depth + 1, walk);
    });
    attempt(() => {
      const errors = e.errors;
      if (!Array.isArray(errors)) return;
      const kept: ErrorRecord[] = [];
      for (const inner of errors) {
        if (walk.records >= MAX_RECORDS) break;
        kept.push(encodeAt(inner, depth + 1, walk));
      }
      record.errors = kept;
    });
    walk.path.delete(e);
  }
  attempt(() => {
    for (const key of Object.keys(e)) {
      if (NOT_PROPS.has(key)) continue;
      const value = (e as unknown as Record<string, unknown>)[key];
      if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
        (record.props ??= {})[key] = value;
      }
    }
  });
  return record;
}

function attempt(part: () => void): void {
  try {
    part();
  } catch {
    // this part of the error cannot be read: the record goes without it
  }
}

function clones(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Small values that JSON keeps exactly: strings, booleans, finite numbers other than -0, null, and
 * arrays (up to 32 items) and plain objects (up to 32 keys) of those, three levels deep at most.
 */
export function isJsonExact(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth >= 3) return false;
      if (Array.isArray(value)) {
        if (value.length > 32) return false;
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isJsonExact(value[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      const keys = Object.keys(value);
      if (keys.length > 32 || keys.includes('__proto__')) return false;
      for (const key of keys) if (!isJsonExact((value as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * The error (or thrown value) a record describes, as the same class with the same message and code.
 * Without `where`, its `stack` is the remote stack (threads of one program). With `where` (a job, a
 * machine), the local stack is kept, the remote one is appended under `--- remote (where) ---`, and
 * also kept alone as `remoteStack`.
 */
export function decodeError(record: ErrorRecord, opts?: { where?: string }): unknown {
  if (record.kind === 'value') return record.value;
  const error = rebuild(record);
  const where = opts?.where;
  if (where === undefined) {
    if (record.stack) error.stack = record.stack;
    return error;
  }
  const remoteStack = record.stack ?? `${record.name}: ${record.message}`;
  Object.defineProperty(error, 'remoteStack', { value: remoteStack, enumerable: false, configurable: true, writable: true });
  error.stack = `${error.stack ?? ''}\n    --- remote (${where}) ---\n${remoteStack}`;
  return error;
}

function rebuild(r: ErrorRecord): Error {
  const error = construct(r);
  if (r.props) {
    for (const [key, value] of Object.entries(r.props)) {
      Object.defineProperty(error, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return error;
}

function construct(r: ErrorRecord): Error {
  const code = typeof r.code === 'string' ? r.code : undefined;
  const options = r.cause === undefined ? undefined : { cause: decodeError(r.cause) };
  switch (r.kind) {
    case 'CancelledError': return new CancelledError(r.message, options);
    case 'TimeoutError': return new TimeoutError(r.message, options);
    case 'RuntimeShutdownError': return new RuntimeShutdownError(r.message, options);
    case 'UnsupportedError': return withCause(new UnsupportedError(r.capability as Capability, r.message), options);
    case 'WorkerCrashedError': return new WorkerCrashedError(r.message, options);
    case 'DeadlockError': return withCause(new DeadlockError(r.tasks ?? [], r.message), options);
    case 'NetError': return new NetError(code ?? 'EIO', r.message, { ...options, syscall: r.syscall });
    case 'RuntimeError': return new RuntimeError(r.message, code ?? 'ERR_RUNTIME', options);
    default: {
      const errors = (r.errors ?? []).map((inner) => decodeError(inner));
      const error = (r.kind === 'AggregateError' ? new AggregateError(errors, r.message, options) : new ((NATIVE[r.kind] ?? Error) as ErrorConstructor)(r.message, options)) as Error & { code?: unknown; syscall?: unknown };
      if (r.name && r.name !== error.name) error.name = r.name;
      if (r.code !== undefined) error.code = r.code;
      if (r.syscall !== undefined) error.syscall = r.syscall;
      return error;
    }
  }
}

/** `error` with `cause` as `new Error(m, { cause })` makes it (own, not enumerable). */
function withCause(error: Error, options: { cause: unknown } | undefined): Error {
  if (options) Object.defineProperty(error, 'cause', { value: options.cause, enumerable: false, writable: true, configurable: true });
  return error;
}

/** The nearest built-in class of `e`; by name for an error from another realm. */
function nativeKind(e: Error): string {
  for (const name of NATIVE_NAMES) if (e instanceof NATIVE[name]!) return name;
  return typeof e.name === 'string' && e.name in NATIVE ? e.name : 'Error';
}

function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}
