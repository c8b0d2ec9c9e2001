// What crosses Redis: a task as job data, its result and its error — values as v8 serialization in base64.
//
// WHY v8 and base64: BullMQ stores job data and return values as JSON. v8's serializer keeps what
// structured clone keeps (Map, Set, Date, RegExp, typed arrays, bigint, cycles); base64 makes those bytes
// a JSON-safe string. Small values that JSON keeps exactly skip v8 (its serializer costs ~15 µs a call). An error travels inside BullMQ's failedReason (the only text a 'failed' event
// carries) as a readable line followed by a tagged base64 record, so dashboards stay legible and the
// caller can rebuild the same class, code, message and remote stack.
import { deserialize, serialize } from 'node:v8';
import {
  CancelledError, DeadlockError, NetError, RuntimeError, RuntimeShutdownError, TimeoutError, UnsupportedError,
  WorkerCrashedError, type Capability,
} from '@runtime-traits/core';

/** The job data of one task. */
export interface TaskJob {
  /** The task's module URL. */
  m: string;
  /** Its export name. */
  n: string;
  /** The arguments, as encodeValue makes them. */
  a: string;
  /** 1 when spawned with spawnBlocking (the worker runs it off its event loop). */
  b?: 1;
}

/**
 * A value as text: `j` + JSON when JSON keeps it exactly (finite numbers other than -0, strings,
 * booleans, null, arrays and plain objects of those: the common case, and several times cheaper),
 * else `v` + base64 of v8 serialization (everything structured clone keeps).
 */
export function encodeValue(value: unknown): string {
  if (jsonExact(value, 0)) return `j${JSON.stringify(value)}`;
  return `v${serialize(value).toString('base64')}`;
}

export function decodeValue(text: string): unknown {
  if (text.charCodeAt(0) === 0x6a /* j */) return JSON.parse(text.slice(1));
  if (text.charCodeAt(0) !== 0x76 /* v */) throw new TypeError(`not an encoded value: ${JSON.stringify(text.slice(0, 20))}`);
  return deserialize(Buffer.from(text.slice(1), 'base64'));
}

/** Small, JSON-exact values only; anything big or unusual takes the v8 path (depth bounds the walk). */
function jsonExact(value: unknown, depth: number): boolean {
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
        for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      const keys = Object.keys(value);
      if (keys.length > 32 || keys.includes('__proto__')) return false;
      for (const key of keys) if (!jsonExact((value as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

interface ErrorRecord {
  kind: string;
  name: string;
  message: string;
  code?: unknown;
  stack?: string;
  capability?: string;
  tasks?: string[];
  syscall?: string;
}

const KIND = Symbol.for('@runtime-traits/core/error-kind');
const TAG = ' [runtime-traits:';

function recordOf(error: unknown): ErrorRecord {
  if (!(error instanceof Error) && !RuntimeError.is(error)) {
    return { kind: 'Error', name: 'Error', message: `A task threw a non-error value: ${safeText(error)}` };
  }
  const e = error as Error & Record<string | symbol, unknown>;
  const runtimeKind = e[KIND];
  const kind = typeof runtimeKind === 'string' ? runtimeKind
    : e instanceof TypeError ? 'TypeError' : e instanceof RangeError ? 'RangeError' : 'Error';
  const record: ErrorRecord = { kind, name: e.name, message: e.message, stack: e.stack };
  if (e.code !== undefined && (typeof e.code === 'string' || typeof e.code === 'number')) record.code = e.code;
  if (typeof e.capability === 'string') record.capability = e.capability;
  if (Array.isArray(e.tasks)) record.tasks = e.tasks.map(String);
  if (typeof e.syscall === 'string') record.syscall = e.syscall;
  return record;
}

function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/** The failedReason for a task's error: "Name: message [runtime-traits:<base64>]". */
export function encodeError(error: unknown): string {
  const record = recordOf(error);
  return `${record.name}: ${record.message}${TAG}${Buffer.from(JSON.stringify(record)).toString('base64')}]`;
}

/**
 * Rebuilds a task's error from a failedReason. A reason this package did not write (BullMQ's own,
 * e.g. "job stalled more than allowable limit") becomes a WorkerCrashedError when a worker was lost,
 * a plain Error otherwise.
 */
export function decodeError(reason: string | undefined, where: string): Error {
  const text = reason ?? 'unknown failure';
  const at = text.lastIndexOf(TAG);
  if (at < 0 || !text.endsWith(']')) {
    if (/stalled|started more than allowable/.test(text)) return new WorkerCrashedError(`The worker running ${where} was lost: ${text}`);
    return new Error(text);
  }
  let record: ErrorRecord;
  try {
    record = JSON.parse(Buffer.from(text.slice(at + TAG.length, -1), 'base64').toString('utf8')) as ErrorRecord;
  } catch {
    return new Error(text.slice(0, at));
  }
  const error = rebuild(record);
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
    case 'UnsupportedError': return new UnsupportedError((r.capability ?? 'spawn.distributed') as Capability, r.message);
    case 'WorkerCrashedError': return new WorkerCrashedError(r.message);
    case 'DeadlockError': return new DeadlockError(r.tasks ?? [], r.message);
    case 'NetError': return new NetError(code ?? 'EIO', r.message, { syscall: r.syscall });
    case 'RuntimeError': return new RuntimeError(r.message, code ?? 'ERR_RUNTIME');
    case 'TypeError': return withCode(new TypeError(r.message), r);
    case 'RangeError': return withCode(new RangeError(r.message), r);
    default: {
      const error = withCode(new Error(r.message), r);
      if (r.name && r.name !== 'Error') error.name = r.name;
      return error;
    }
  }
}

function withCode(error: Error, r: ErrorRecord): Error {
  if (r.code !== undefined) (error as Error & { code?: unknown }).code = r.code;
  return error;
}
