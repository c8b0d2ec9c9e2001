// Argument checks shared by every runtime, so a bad argument fails the same way on all of them.
import type { SpawnOptions, TaskDef } from '../executor.js';
import type { ListenAddress, SocketAddress } from '../reactor.js';

/** A short, readable rendering of a bad value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return String(value);
  const ctor = (value as object).constructor?.name;
  return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}

/** A duration in milliseconds: a finite number, zero or more. */
export function checkMs(value: unknown, arg = 'ms'): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be a number of milliseconds, got ${show(value)}`);
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${arg} must be a finite number >= 0, got ${show(value)}`);
  }
  return value;
}

/** A positive whole count (workers, threads, capacities). */
export function checkCount(value: unknown, arg: string, min = 1): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${arg} must be an integer >= ${min}, got ${show(value)}`);
  return value;
}

export function checkPort(value: unknown, arg = 'port'): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new RangeError(`${arg} must be an integer from 0 to 65535, got ${show(value)}`);
  }
  return value;
}

export function checkHost(value: unknown, arg = 'host'): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${arg} must be a non-empty string, got ${show(value)}`);
  return value;
}

export function checkFunction(value: unknown, arg: string): void {
  if (typeof value !== 'function') throw new TypeError(`${arg} must be a function, got ${show(value)}`);
}

/** `undefined` or an AbortSignal. */
export function checkSignal(value: unknown, arg = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as AbortSignal).aborted !== 'boolean'
    || typeof (value as AbortSignal).addEventListener !== 'function') {
    throw new TypeError(`${arg} must be an AbortSignal, got ${show(value)}`);
  }
  return value as AbortSignal;
}

/** `undefined` or a plain options object. */
export function checkOptions<T extends object>(value: unknown, arg = 'opts'): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${arg} must be an options object, got ${show(value)}`);
  }
  return value as T;
}

export function checkSpawnOptions(value: unknown): SpawnOptions | undefined {
  const opts = checkOptions<SpawnOptions>(value);
  if (!opts) return undefined;
  checkSignal(opts.signal, 'opts.signal');
  if (opts.name !== undefined && typeof opts.name !== 'string') throw new TypeError(`opts.name must be a string, got ${show(opts.name)}`);
  if (opts.transfer !== undefined && !Array.isArray(opts.transfer)) throw new TypeError(`opts.transfer must be an array, got ${show(opts.transfer)}`);
  return opts;
}

export function checkTaskDef(value: unknown, arg = 'def'): TaskDef<unknown[], unknown> {
  const def = value as TaskDef<unknown[], unknown> | null;
  if (typeof def !== 'object' || def === null || typeof def.module !== 'string' || typeof def.name !== 'string'
    || typeof def.fn !== 'function') {
    throw new TypeError(`${arg} must be a TaskDef made by defineTask(), got ${show(value)}`);
  }
  return def;
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol');
}

/**
 * Arguments of a portable task must survive a structured clone, because on a multi-threaded runtime
 * they do. Checked everywhere, so the error shows on the developer's single-threaded laptop too.
 * Primitives are the fast path; anything else is cloned once to prove it can be.
 */
export function checkArgs(value: unknown, arg = 'args', transfer?: readonly unknown[]): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${arg} must be an array of arguments, got ${show(value)}`);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (isPrimitive(item)) continue;
    checkCloneable(item, `${arg}[${i}]`, transfer);
  }
  return value;
}

/** Throws a TypeError naming `arg` when `value` cannot be structured-cloned. */
export function checkCloneable(value: unknown, arg: string, transfer?: readonly unknown[]): void {
  if (isPrimitive(value)) return;
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`${arg} cannot be sent to another thread: ${show(value)} is not structured-cloneable`);
  }
  // Buffers listed for transfer move instead of being copied; cloning them here would be waste.
  if (transfer && transfer.includes(value)) return;
  try {
    structuredClone(value);
  } catch (error) {
    throw new TypeError(`${arg} cannot be sent to another thread: ${(error as Error).message}`, { cause: error });
  }
}

export function checkData(value: unknown, arg = 'data'): Uint8Array | string {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new TypeError(`${arg} must be a Uint8Array or a string, got ${show(value)}`);
  }
  return value;
}

/** A `SocketAddress` to connect or send to. */
export function checkAddress(value: unknown, arg = 'to'): SocketAddress {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${arg} must be { host, port } or { path }, got ${show(value)}`);
  if ('path' in value) {
    if (typeof value.path !== 'string' || value.path === '') throw new TypeError(`${arg}.path must be a non-empty string, got ${show(value.path)}`);
    return value as SocketAddress;
  }
  const v = value as { host?: unknown; port?: unknown };
  checkHost(v.host, `${arg}.host`);
  checkPort(v.port, `${arg}.port`);
  return value as SocketAddress;
}

/** Where to listen; `host` defaults to 127.0.0.1. */
export function checkListenAddress(value: unknown, arg = 'at'): { host: string; port: number } | { path: string } {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${arg} must be { host?, port } or { path }, got ${show(value)}`);
  if ('path' in value) {
    if (typeof value.path !== 'string' || value.path === '') throw new TypeError(`${arg}.path must be a non-empty string, got ${show(value.path)}`);
    return { path: value.path };
  }
  const v = value as ListenAddress & { host?: unknown };
  const host = v.host === undefined ? DEFAULT_HOST : checkHost(v.host, `${arg}.host`);
  return { host, port: checkPort((v as { port?: unknown }).port, `${arg}.port`) };
}

/** Servers bind loopback unless told otherwise. */
export const DEFAULT_HOST = '127.0.0.1';
