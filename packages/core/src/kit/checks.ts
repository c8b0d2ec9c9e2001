// Argument checks shared by every runtime, so a bad argument fails the same way on all of them.
import type { Awaitable, SpawnOptions, TaskDef } from '../executor.js';
import type { ListenAddress, SocketAddress } from '../reactor.js';
import type { ShutdownOptions } from '../runtime.js';

/** A short, readable rendering of a bad value for an error message; never throws (a proxy's traps are caught). */
export function show(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol') return value.toString();
    if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
    if (Array.isArray(value)) return 'an array';
    if (value === null || typeof value !== 'object') return String(value);
    const ctor = (value as object).constructor?.name;
    return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
  } catch {
    return 'an object that cannot be inspected';
  }
}

/**
 * What a check that reads a caller's value throws when it fails: its own verdict (a TypeError or
 * RangeError naming `arg`) as it is; anything else it tripped over — a proxy's trap, a revoked proxy, a
 * getter that throws — as a TypeError naming `arg`, so hostile input fails like any other bad
 * argument instead of leaking a stranger's error.
 * WHY each check has its own try/catch around its body rather than a `guard(arg, () => ...)`: such
 * a closure and its context were allocated at every call — 256 bytes of garbage per spawn for the
 * def and args checks, a third of all a spawned task allocates.
 */
function failure(arg: string, error: unknown): unknown {
  if ((error instanceof TypeError || error instanceof RangeError) && error.message.startsWith(arg)) return error;
  return new TypeError(`${arg} could not be read: ${errorText(error)}`, { cause: error });
}

function errorText(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : show(error);
  } catch {
    return 'an error that cannot be inspected';
  }
}

/** A duration in milliseconds: a finite number, zero or more. */
export function checkMs(value: unknown, arg = 'ms'): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be a number of milliseconds, got ${show(value)}`);
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${arg} must be a finite number >= 0, got ${show(value)}`);
  }
  return value;
}

/** A whole count (workers, threads, capacities) from `min` to `max`. */
export function checkCount(value: unknown, arg: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${arg} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got ${show(value)}`);
  }
  return value;
}

/** A port: an integer 0–65535. `TypeError` for a non-number, `RangeError` otherwise, naming `arg`; returns it. */
export function checkPort(value: unknown, arg = 'port'): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new RangeError(`${arg} must be an integer from 0 to 65535, got ${show(value)}`);
  }
  return value;
}

/** A host name or address: a non-empty string, else `TypeError` naming `arg`; returns it. */
export function checkHost(value: unknown, arg = 'host'): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${arg} must be a non-empty string, got ${show(value)}`);
  return value;
}

/** Throws `TypeError` naming `arg` unless `value` is a function. */
export function checkFunction(value: unknown, arg: string): void {
  if (typeof value !== 'function') throw new TypeError(`${arg} must be a function, got ${show(value)}`);
}

/**
 * `undefined` or an AbortSignal. Duck-typed (a signal from another realm or a polyfill passes), but on
 * all the runtimes use: `removeEventListener` too, or a lookalike without it is accepted here and
 * crashes the process from inside the runtime once the task or wait it guards settles.
 */
export function checkSignal(value: unknown, arg = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  try {
    if (typeof value !== 'object' || value === null || typeof (value as AbortSignal).aborted !== 'boolean'
      || typeof (value as AbortSignal).addEventListener !== 'function'
      || typeof (value as AbortSignal).removeEventListener !== 'function') {
      throw new TypeError(`${arg} must be an AbortSignal, got ${show(value)}`);
    }
    return value as AbortSignal;
  } catch (error) {
    throw failure(arg, error);
  }
}

/**
 * `undefined` or an options object, returned as a copy of its own enumerable fields (what
 * `{ ...opts }` sees): each getter runs once, here, and a runtime reading the copy later cannot be
 * surprised by a getter or a proxy that throws.
 */
export function checkOptions<T extends object>(value: unknown, arg = 'opts'): T | undefined {
  if (value === undefined) return undefined;
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`${arg} must be an options object, got ${show(value)}`);
    }
    return { ...value } as T;
  } catch (error) {
    throw failure(arg, error);
  }
}

/**
 * `SpawnOptions` or `undefined`: returns a copy with `signal`, `name` and `transfer` checked (`TypeError`
 * naming `opts.<field>`, or `opts` when it is not an object).
 */
export function checkSpawnOptions(value: unknown): SpawnOptions | undefined {
  const opts = checkOptions<SpawnOptions>(value);
  if (!opts) return undefined;
  try {
    return spawnOptionsOf(opts);
  } catch (error) {
    throw failure('opts', error);
  }
}

function spawnOptionsOf(opts: SpawnOptions): SpawnOptions {
  checkSignal(opts.signal, 'opts.signal');
  if (opts.name !== undefined && typeof opts.name !== 'string') throw new TypeError(`opts.name must be a string, got ${show(opts.name)}`);
  if (opts.transfer !== undefined) checkTransfer(opts.transfer, 'opts.transfer');
  return opts;
}

/** The platform's transferable types that this code can name without importing anything host-specific. */
function isTransferable(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  if (item instanceof ArrayBuffer) return true;
  const g = globalThis as Record<string, unknown>;
  for (const name of ['MessagePort', 'ReadableStream', 'WritableStream', 'TransformStream']) {
    const type = g[name];
    if (typeof type === 'function' && item instanceof type) return true;
  }
  return false;
}

/**
 * A transfer list: an array of distinct transferable objects (ArrayBuffer — not a SharedArrayBuffer,
 * which is shared, not moved — MessagePort, web streams). Checked at the call, so a bad list fails
 * the same way on every runtime, threads or not.
 */
function checkTransfer(value: unknown, arg: string): void {
  if (!Array.isArray(value)) throw new TypeError(`${arg} must be an array, got ${show(value)}`);
  const seen = new Set<unknown>();
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (!isTransferable(item)) {
      throw new TypeError(`${arg}[${i}] must be a transferable object (an ArrayBuffer, a MessagePort, a stream), got ${show(item)}`);
    }
    if (seen.has(item)) throw new TypeError(`${arg}[${i}] is listed twice`);
    seen.add(item);
  }
}

/** A `TaskDef` made by `defineTask` (module, name and fn present), else `TypeError` naming `arg`; returns it. */
export function checkTaskDef(value: unknown, arg = 'def'): TaskDef<unknown[], unknown> {
  const def = value as TaskDef<unknown[], unknown> | null;
  try {
    if (typeof def !== 'object' || def === null || typeof def.module !== 'string' || typeof def.name !== 'string'
      || typeof def.fn !== 'function') {
      throw new TypeError(`${arg} must be a TaskDef made by defineTask(), got ${show(value)}`);
    }
    return def;
  } catch (error) {
    throw failure(arg, error);
  }
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol');
}

/**
 * Arguments of a portable task must survive a structured clone, because on a multi-threaded runtime
 * they do. Checked everywhere, so the error shows on the developer's single-threaded laptop too.
 * Primitives are the fast path; anything else is walked once by `checkCloneable`.
 */
export function checkArgs(value: unknown, arg = 'args', transfer?: readonly unknown[]): unknown[] {
  try {
    if (!Array.isArray(value)) throw new TypeError(`${arg} must be an array of arguments, got ${show(value)}`);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (isPrimitive(item)) continue;
      walkCloneable(item, `${arg}[${i}]`, transfer, new Set());
    }
    return value;
  } catch (error) {
    throw failure(arg, error);
  }
}

/** `spawn`/`spawnBlocking`'s arguments: a TaskDef, its argument array and the options; returns the checked options. */
export function checkSpawn(def: unknown, args: unknown, opts: unknown): SpawnOptions | undefined {
  checkTaskDef(def);
  const options = opts === undefined ? undefined : checkSpawnOptions(opts);
  checkArgs(args, 'args', options?.transfer);
  return options;
}

/** `Executor.join`'s arguments: two TaskDefs and their argument arrays, named `a`, `aArgs`, `b`, `bArgs`. */
export function checkJoinArgs(a: unknown, aArgs: unknown, b: unknown, bArgs: unknown): void {
  checkTaskDef(a, 'a');
  checkArgs(aArgs, 'aArgs');
  checkTaskDef(b, 'b');
  checkArgs(bArgs, 'bArgs');
}

/**
 * What a join body returned, once it is known not to be a thenable: join runs synchronous bodies only,
 * so a thenable is a TypeError naming the body (`a` or `b`) and its outcome is dropped (never an
 * unhandled rejection).
 */
export function checkJoinResult<R>(result: Awaitable<R>, arg: 'a' | 'b'): R {
  if (isThenable(result)) {
    Promise.resolve(result).then(undefined, ignore);
    throw new TypeError(`${arg}.fn returned a thenable; join runs synchronous bodies only (use spawn for async work)`);
  }
  return result;
}

/** `Runtime.shutdown`'s options: `undefined` or `{ graceMs? }`; returns the grace period in ms (default 0). */
export function checkShutdownOptions(value: unknown): number {
  const opts = checkOptions<ShutdownOptions>(value);
  return opts?.graceMs === undefined ? 0 : checkMs(opts.graceMs, 'opts.graceMs');
}

/** A value `await` would wait for: an object or function with a callable `then`. */
export function isThenable<T>(value: unknown): value is PromiseLike<T> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as PromiseLike<T>).then === 'function';
  } catch {
    return false; // a proxy or getter that throws: settled as a plain value (awaiting it then rejects)
  }
}

const ignore = (): void => {};

/**
 * Throws a TypeError naming `arg` (and the path inside it) when `value` would not arrive intact on
 * another thread. Stricter than `structuredClone`, which silently turns a class instance into a
 * plain object (its methods and private fields gone) — the bug that otherwise shows only once a task
 * really crosses threads. Accepted: primitives but symbols, plain objects, arrays, and the built-in
 * types the structured clone algorithm copies. Walks the value once; cycles are fine.
 */
export function checkCloneable(value: unknown, arg: string, transfer?: readonly unknown[]): void {
  try {
    walkCloneable(value, arg, transfer, new Set());
  } catch (error) {
    throw failure(arg, error);
  }
}

const PLAIN = new Set<unknown>([Object.prototype, null, Array.prototype]);
const CLONEABLE_LEAVES: Array<new (...args: never[]) => unknown> = [
  Date, RegExp, ArrayBuffer, Boolean, Number, String, Error, EvalError, RangeError, ReferenceError,
  SyntaxError, TypeError, URIError,
];
if (typeof SharedArrayBuffer === 'function') CLONEABLE_LEAVES.push(SharedArrayBuffer);
const LEAF_PROTOTYPES = new Set<unknown>(CLONEABLE_LEAVES.map((type) => type.prototype));

function walkCloneable(value: unknown, path: string, transfer: readonly unknown[] | undefined, seen: Set<object>): void {
  if (typeof value === 'symbol') throw new TypeError(`${path} cannot be sent to another thread: a symbol is not structured-cloneable`);
  if (typeof value === 'function') throw new TypeError(`${path} cannot be sent to another thread: ${show(value)} is not structured-cloneable`);
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  const proto = Object.getPrototypeOf(value) as object | null;
  // Views (typed arrays, DataView, Node's Buffer) arrive as their platform type: close enough to keep.
  if (LEAF_PROTOTYPES.has(proto) || ArrayBuffer.isView(value)) return;
  if (transfer?.includes(value)) return;
  if (proto === Map.prototype) {
    let i = 0;
    for (const [key, item] of value as Map<unknown, unknown>) {
      walkCloneable(key, `${path}.<key ${i}>`, transfer, seen);
      walkCloneable(item, `${path}.get(${i++})`, transfer, seen);
    }
    return;
  }
  if (proto === Set.prototype) {
    let i = 0;
    for (const item of value as Set<unknown>) walkCloneable(item, `${path}.<item ${i++}>`, transfer, seen);
    return;
  }
  if (!PLAIN.has(proto)) {
    const type = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'an unknown type';
    throw new TypeError(`${path} cannot be sent to another thread: an instance of ${type} would arrive as a plain object `
      + '(its prototype, methods and private fields lost); send plain data instead');
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walkCloneable(value[i], `${path}[${i}]`, transfer, seen);
    return;
  }
  for (const key of Object.keys(value)) walkCloneable((value as Record<string, unknown>)[key], `${path}.${key}`, transfer, seen);
}

/** Data to write or send: a `Uint8Array` or a string, else `TypeError` naming `arg`; returns it. */
export function checkData(value: unknown, arg = 'data'): Uint8Array | string {
  try {
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new TypeError(`${arg} must be a Uint8Array or a string, got ${show(value)}`);
    }
    return value;
  } catch (error) {
    throw failure(arg, error);
  }
}

/** A `SocketAddress` to connect or send to. */
export function checkAddress(value: unknown, arg = 'to'): SocketAddress {
  try {
    return addressOf(value, arg);
  } catch (error) {
    throw failure(arg, error);
  }
}

function addressOf(value: unknown, arg: string): SocketAddress {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${arg} must be { host, port } or { path }, got ${show(value)}`);
  if ('path' in value) {
    const path = value.path;
    if (typeof path !== 'string' || path === '') throw new TypeError(`${arg}.path must be a non-empty string, got ${show(path)}`);
    return { path };
  }
  const v = value as { host?: unknown; port?: unknown };
  return { host: checkHost(v.host, `${arg}.host`), port: checkPort(v.port, `${arg}.port`) };
}

/** Where to listen; `host` defaults to 127.0.0.1. */
export function checkListenAddress(value: unknown, arg = 'at'): {
  /** The host, 127.0.0.1 when none was given. */
  host: string;
  /** The checked port. */
  port: number;
} | {
  /** The Unix socket path. */
  path: string;
} {
  try {
    return listenAddressOf(value, arg);
  } catch (error) {
    throw failure(arg, error);
  }
}

function listenAddressOf(value: unknown, arg: string): { host: string; port: number } | { path: string } {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${arg} must be { host?, port } or { path }, got ${show(value)}`);
  if ('path' in value) {
    if (typeof value.path !== 'string' || value.path === '') throw new TypeError(`${arg}.path must be a non-empty string, got ${show(value.path)}`);
    return { path: value.path };
  }
  const v = value as ListenAddress & { host?: unknown };
  const host = v.host === undefined ? DEFAULT_HOST : checkHost(v.host, `${arg}.host`);
  return { host, port: checkPort((v as { port?: unknown }).port, `${arg}.port`) };
}

/** Where to bind a UDP socket: `{ host?, port }` (UDP has no `path`); `host` defaults to 127.0.0.1. */
export function checkUdpAddress(value: unknown, arg = 'at'): {
  /** The host, 127.0.0.1 when none was given. */
  host: string;
  /** The checked port. */
  port: number;
} {
  try {
    if (typeof value !== 'object' || value === null || 'path' in value) {
      throw new TypeError(`${arg} must be { host?, port } for UDP, got ${show(value)}${typeof value === 'object' && value !== null ? ' with a path' : ''}`);
    }
    return listenAddressOf(value, arg) as { host: string; port: number };
  } catch (error) {
    throw failure(arg, error);
  }
}

/**
 * A UDP datagram's destination: `{ host, port }` with a port a datagram can go to. TypeError for a
 * `{ path }`, RangeError for port 0 (it binds, but is no destination), each naming `arg`.
 */
export function checkUdpDestination(value: unknown, arg = 'to'): Extract<SocketAddress, { host: string }> {
  const to = checkAddress(value, arg);
  if (!('port' in to)) throw new TypeError(`${arg} must be { host, port } for a UDP socket, got a { path }`);
  if (to.port === 0) throw new RangeError(`${arg}.port must be 1..65535 to send to, got 0`);
  return to;
}

/** Servers bind loopback unless told otherwise. */
export const DEFAULT_HOST = '127.0.0.1';
