// Errors as plain records and back, so a failure crossing a thread, process or machine keeps its class, message, code and stack.
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
  /** A thrown non-error that clones (kind 'value'). */
  value?: unknown;
}

const KIND = Symbol.for('@runtime-traits/core/error-kind');

/** The built-in classes rebuilt as themselves, most specific first (Error last). */
const NATIVE: Record<string, ErrorConstructor> = {
  TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, Error,
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
  try {
    return encode(thrown);
  } catch {
    return { kind: 'Error', name: 'Error', message: `a thrown ${typeof thrown} that cannot be inspected` };
  }
}

function encode(thrown: unknown): ErrorRecord {
  if (!isErrorLike(thrown)) {
    try {
      structuredClone(thrown);
      return { kind: 'value', name: '', message: '', value: thrown };
    } catch {
      return { kind: 'Error', name: 'Error', message: safeText(thrown) };
    }
  }
  const e = thrown as Error & { code?: unknown; capability?: unknown; syscall?: unknown; tasks?: unknown; [KIND]?: unknown };
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
  return record;
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
  const code = typeof r.code === 'string' ? r.code : undefined;
  switch (r.kind) {
    case 'CancelledError': return new CancelledError(r.message);
    case 'TimeoutError': return new TimeoutError(r.message);
    case 'RuntimeShutdownError': return new RuntimeShutdownError(r.message);
    case 'UnsupportedError': return new UnsupportedError(r.capability as Capability, r.message);
    case 'WorkerCrashedError': return new WorkerCrashedError(r.message);
    case 'DeadlockError': return new DeadlockError(r.tasks ?? [], r.message);
    case 'NetError': return new NetError(code ?? 'EIO', r.message, { syscall: r.syscall });
    case 'RuntimeError': return new RuntimeError(r.message, code ?? 'ERR_RUNTIME');
    default: {
      const error = new (NATIVE[r.kind] ?? Error)(r.message) as Error & { code?: unknown };
      if (r.name && r.name !== error.name) error.name = r.name;
      if (r.code !== undefined) error.code = r.code;
      return error;
    }
  }
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
