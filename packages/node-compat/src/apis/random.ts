// Math.random() and crypto's random functions inside a scope on a virtual-time runtime: drawn from the host's seeded stream.
//
// On a simulated host, Math.random(), crypto.randomBytes/randomFill/randomFillSync/randomInt/
// randomUUID/getRandomValues and globalThis.crypto.getRandomValues/randomUUID draw from the host's
// own seeded stream (HostHooks.randomU32): the same seed gives the same bytes, and one host's draws
// do not shift another's. NOT cryptographically secure there — a simulation is not a place for real
// keys. Callback forms call back as an immediate of the host. Everywhere else they are Node's own.
import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import { inspect } from 'node:util';
import { checkCallback, codedError, invalidArgType } from '../internal/node-errors.js';
import { Scope } from '../scope/scope.js';
import type { PatchSet } from './patch-set.js';
import { realMathRandom } from './originals.js';
import { Immediate } from './timer-objects.js';

type Fn = (...args: unknown[]) => unknown;

const webcrypto = globalThis.crypto as unknown as Record<string, Fn>;
const real = {
  randomBytes: crypto.randomBytes as Fn,
  randomFill: crypto.randomFill as Fn,
  randomFillSync: crypto.randomFillSync as Fn,
  randomInt: crypto.randomInt as Fn,
  randomUUID: crypto.randomUUID as Fn,
  webGetRandomValues: webcrypto.getRandomValues!.bind(webcrypto),
  webRandomUUID: webcrypto.randomUUID!.bind(webcrypto),
};

function virtualScope(): Scope | undefined {
  const scope = Scope.active();
  return scope?.virtual ? scope : undefined;
}

function random(): number {
  const scope = virtualScope();
  if (scope === undefined) return realMathRandom();
  const hooks = scope.hooks!;
  // 53 random bits, as V8's Math.random gives.
  return (hooks.randomU32() * 0x200000 + (hooks.randomU32() >>> 11)) / 0x20000000000000;
}

function fill(scope: Scope, view: ArrayBufferView, offset = 0, size = view.byteLength - offset): void {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, size);
  const hooks = scope.hooks!;
  for (let i = 0; i < bytes.length; i += 4) {
    let word = hooks.randomU32();
    for (let k = 0; k < 4 && i + k < bytes.length; k++) {
      bytes[i + k] = word & 0xff;
      word >>>= 8;
    }
  }
}

function checkView(value: unknown, arg: string): ArrayBufferView {
  if (!ArrayBuffer.isView(value)) throw new TypeError(`The "${arg}" argument must be an instance of Buffer, TypedArray, or DataView.`);
  return value;
}

/**
 * randomFill(Sync)'s `(buf, offset, size)` on the host's stream, read as Node reads them: `buf` may be
 * an ArrayBuffer too, `offset` and `size` count a typed array's elements, are checked in bytes (with
 * Node's codes and messages) and truncated. Returns `buf`.
 */
function fillPart<T>(scope: Scope, buf: T, offset: unknown, size: unknown): T {
  const view = buf instanceof ArrayBuffer ? new Uint8Array(buf) : checkView(buf, 'buf');
  const unit = (view as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  const length = view.byteLength;
  const start = offset === undefined ? 0 : byteRange(offset, 'offset', unit, length);
  let bytes = length - start;
  if (size !== undefined) {
    bytes = byteRange(size, 'size', unit, 2 ** 31 - 1); // (Node's kMaxPossibleLength)
    if (bytes + start > length) throw outOfRange('size + offset', `<= ${length}`, bytes + start);
  }
  fill(scope, view, start, bytes);
  return buf;
}

/** Node's assertOffset/assertSize: a number of elements, in bytes, within [0, max], truncated. */
function byteRange(value: unknown, arg: string, unit: number, max: number): number {
  if (typeof value !== 'number') {
    throw codedError('ERR_INVALID_ARG_TYPE', `The "${arg}" argument must be of type number. Received type ${typeof value} (${inspect(value)})`, TypeError);
  }
  const bytes = value * unit;
  if (Number.isNaN(bytes) || bytes > max || bytes < 0) throw outOfRange(arg, `>= 0 && <= ${max}`, bytes);
  return bytes >>> 0;
}

function outOfRange(arg: string, range: string, received: number): Error {
  return codedError('ERR_OUT_OF_RANGE', `The value of "${arg}" is out of range. It must be ${range}. Received ${withSeparators(received)}`, RangeError);
}

/** Node writes large integers it received with separators: 281_474_976_710_656. */
function withSeparators(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) <= 2 ** 32) return String(n);
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}


/** Calls back as Node does for the threadpool forms: later, here as an immediate of the host. */
function callBack(scope: Scope, cb: Fn, ...args: unknown[]): void {
  new Immediate(scope, cb as (...a: unknown[]) => void, args);
}

function randomBytes(size: unknown, cb?: unknown): unknown {
  const scope = virtualScope();
  if (scope === undefined) return real.randomBytes(size, cb);
  if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size);
  if (!(size >= 0 && size <= 2 ** 31 - 1)) throw outOfRange('size', '>= 0 && <= 2147483647', size);
  if (cb !== undefined) checkCallback(cb); // (optional: absent, the call is synchronous)
  const buffer = Buffer.alloc(Math.trunc(size));
  fill(scope, buffer);
  if (typeof cb !== 'function') return buffer;
  callBack(scope, cb as Fn, null, buffer);
  return undefined;
}

function randomFillSync(buf: unknown, offset?: unknown, size?: unknown): unknown {
  const scope = virtualScope();
  if (scope === undefined) return real.randomFillSync(buf, offset, size);
  return fillPart(scope, buf, offset, size);
}

function randomFill(buf: unknown, ...rest: unknown[]): unknown {
  const scope = virtualScope();
  if (scope === undefined) return real.randomFill(buf, ...rest);
  const cb = rest[rest.length - 1];
  if (typeof cb !== 'function') throw new TypeError('The "callback" argument must be of type function');
  const filled = fillPart(scope, buf, rest.length > 1 ? rest[0] : undefined, rest.length > 2 ? rest[1] : undefined);
  callBack(scope, cb as Fn, null, filled);
  return undefined;
}

/** A uniform integer in [min, max), by rejection (Node allows ranges below 2^48). */
function randomInt(a: unknown, b?: unknown, c?: unknown): unknown {
  const scope = virtualScope();
  if (scope === undefined) return real.randomInt(a, b, c);
  // As Node reads them: (max), (max, cb), (min, max) or (min, max, cb).
  const minGiven = b !== undefined && typeof b !== 'function';
  const min = minGiven ? a : 0;
  const max = minGiven ? b : a;
  const cb = minGiven ? c : b;
  if (cb !== undefined) checkCallback(cb); // (optional: absent, the call is synchronous)
  if (!Number.isSafeInteger(min)) throw invalidArgType('min', 'a safe integer', min);
  if (!Number.isSafeInteger(max)) throw invalidArgType('max', 'a safe integer', max);
  if ((max as number) <= (min as number)) throw outOfRange('max', `greater than the value of "min" (${min as number})`, max as number);
  const range = (max as number) - (min as number);
  if (range > 2 ** 48 - 1) throw outOfRange(minGiven ? 'max - min' : 'max', `<= ${2 ** 48 - 1}`, range);
  const hooks = scope.hooks!;
  const limit = 2 ** 48 - (2 ** 48 % range);
  let x: number;
  do x = (hooks.randomU32() >>> 8) * 2 ** 24 + (hooks.randomU32() >>> 8); while (x >= limit);
  const n = (min as number) + (x % range);
  if (typeof cb !== 'function') return n;
  callBack(scope, cb as Fn, null, n);
  return undefined;
}

function randomUUID(): string {
  const scope = virtualScope();
  if (scope === undefined) return real.randomUUID() as string;
  const b = Buffer.alloc(16);
  fill(scope, b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The integer typed arrays Web Crypto fills (not floats, not a DataView). */
const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];

function webGetRandomValues<T extends ArrayBufferView>(array: T): T {
  const scope = virtualScope();
  if (scope === undefined) return real.webGetRandomValues(array) as T;
  if (!INTEGER_ARRAYS.some((Type) => array instanceof Type)) throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
  if (array.byteLength > 65_536) throw new DOMException('The requested length exceeds 65,536 bytes', 'QuotaExceededError');
  fill(scope, array);
  return array;
}

function webRandomUUID(): string {
  return virtualScope() === undefined ? real.webRandomUUID() as string : randomUUID();
}

/** Patches Math.random, node:crypto's random functions and globalThis.crypto's. */
export function installRandom(patches: PatchSet): void {
  patches.set(Math, 'random', random);
  // crypto.getRandomValues is a fixed getter that calls globalThis.crypto's: patched through that one.
  const fns: Record<string, unknown> = { randomBytes, randomFill, randomFillSync, randomInt, randomUUID };
  for (const [name, fn] of Object.entries(fns)) patches.set(crypto, name, fn);
  patches.set(webcrypto, 'getRandomValues', webGetRandomValues);
  patches.set(webcrypto, 'randomUUID', webRandomUUID);
}
