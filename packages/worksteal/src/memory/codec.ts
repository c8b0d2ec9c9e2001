// How task arguments and results cross threads: inline in the slot's shared payload when they are small.
//
// Order of preference (cheapest first):
//   INLINE  numbers, booleans, null, undefined and short strings, written with a tag byte each
//           straight into the slot (no serializer, no allocation on the reading side but the values);
//   V8      anything else whose v8.serialize() output fits in the slot's payload bytes;
//   SIDE    too big for the slot, or has a transfer list: the value travels by postMessage on the
//           target thread's mail port and the slot only says so.
// The KIND_ERROR bit marks a result that is an error record (see the kit's error-codec.ts) instead of a value.
//
// WHY the care with arrays below: V8 stores an array whose elements are all numbers with a fraction
// as raw doubles, and then hands its integers to a callee (through `...args`) as heap numbers, not
// small integers. A task body optimised for small integers then deoptimises and is recompiled for
// doubles (measured: plain recursive fib 1.75x slower on that thread for the rest of its life). So
// the codec never makes a double array (decoded arrays start generic), never wraps a single value in
// a fresh array, and reads the caller's arrays with for...of (an indexed read that sees both kinds
// may convert the CALLER's integer array into a double array, and with it its allocation site).
import { deserialize, serialize } from 'node:v8';
import type { SabRegistry } from './sab-registry.js';

export const enum Kind {
  INLINE = 1,
  V8 = 2,
  SIDE = 3,
}
export const KIND_ERROR = 8;

const enum Tag {
  UNDEFINED = 0,
  NULL = 1,
  TRUE = 2,
  FALSE = 3,
  INT = 4,
  DOUBLE = 5,
  STRING = 6,
  /** A SharedArrayBuffer, by its number in the SabRegistry. */
  SAB = 7,
}

/** Longest string written inline; longer ones go through v8.serialize. */
const INLINE_STRING_MAX = 64;

export interface PayloadView {
  readonly u8: Uint8Array;
  readonly dv: DataView;
  readonly sabs: SabRegistry;
}

export function payloadView(buffer: SharedArrayBuffer, sabs: SabRegistry): PayloadView {
  return { u8: new Uint8Array(buffer), dv: new DataView(buffer), sabs };
}

/** Byte length written by the last encodeValues/encodeValue call (a number, not a tuple: no allocation per task). */
export let encodedLength = 0;

/**
 * Writes `values` at `at` (at most `limit` bytes) and returns how: kind SIDE means it did not fit
 * and the caller must send the values by message. The length written is left in `encodedLength`.
 */
export function encodeValues(view: PayloadView, at: number, limit: number, values: readonly unknown[]): Kind {
  const n = encodeInline(view, at, limit, values);
  if (n >= 0) {
    encodedLength = n;
    return Kind.INLINE;
  }
  encodedLength = 0;
  let bytes: Buffer;
  try {
    bytes = serialize(values);
  } catch {
    return Kind.SIDE;
  }
  if (bytes.length > limit) return Kind.SIDE;
  view.u8.set(bytes, at);
  encodedLength = bytes.length;
  return Kind.V8;
}

export function decodeValues(view: PayloadView, at: number, kind: Kind, length: number): unknown[] {
  if (kind === Kind.INLINE) return decodeInline(view, at);
  // Copy out of shared memory first: the deserializer wants a stable, ordinary buffer.
  return deserialize(Buffer.from(view.u8.slice(at, at + length))) as unknown[];
}

/** Encodes the single value `value` (as a list of one); same contract as encodeValues. */
export function encodeValue(view: PayloadView, at: number, limit: number, value: unknown): Kind {
  if (limit >= 1) {
    const end = encodeOne(view, at + 1, at + limit, value);
    if (end >= 0) {
      view.dv.setUint8(at, 1);
      encodedLength = end - at;
      return Kind.INLINE;
    }
  }
  return encodeValues(view, at, limit, [value]); // not inline-able: an object, never a double array
}

export function decodeValue(view: PayloadView, at: number, kind: Kind, length: number): unknown {
  if (kind === Kind.INLINE && view.dv.getUint8(at) === 1) {
    decodeOne(view, at + 1);
    return decoded;
  }
  return decodeValues(view, at, kind, length)[0];
}

function encodeInline(view: PayloadView, at: number, limit: number, values: readonly unknown[]): number {
  const count = values.length;
  if (count > 255 || limit < 1) return -1;
  let p = at + 1;
  const end = at + limit;
  for (const v of values) {
    p = encodeOne(view, p, end, v);
    if (p < 0) return -1;
  }
  view.dv.setUint8(at, count);
  return p - at;
}

/** Writes one tagged value at byte p (before `end`); returns the next free byte, or -1 when it does not fit. */
function encodeOne(view: PayloadView, p: number, end: number, v: unknown): number {
  const { dv } = view;
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v && !Object.is(v, -0)) {
        if (p + 5 > end) return -1;
        dv.setUint8(p, Tag.INT);
        dv.setInt32(p + 1, v, true);
        return p + 5;
      }
      if (p + 9 > end) return -1;
      dv.setUint8(p, Tag.DOUBLE);
      dv.setFloat64(p + 1, v, true);
      return p + 9;
    case 'string': {
      const len = v.length;
      if (len > INLINE_STRING_MAX || p + 2 + 2 * len > end) return -1;
      dv.setUint8(p, Tag.STRING);
      dv.setUint8(p + 1, len);
      p += 2;
      for (let c = 0; c < len; c++, p += 2) dv.setUint16(p, v.charCodeAt(c), true);
      return p;
    }
    case 'boolean':
      if (p + 1 > end) return -1;
      dv.setUint8(p, v ? Tag.TRUE : Tag.FALSE);
      return p + 1;
    case 'undefined':
      if (p + 1 > end) return -1;
      dv.setUint8(p, Tag.UNDEFINED);
      return p + 1;
    default:
      if (v instanceof SharedArrayBuffer) {
        if (p + 5 > end) return -1;
        dv.setUint8(p, Tag.SAB);
        dv.setInt32(p + 1, view.sabs.idOf(v), true);
        return p + 5;
      }
      if (v !== null || p + 1 > end) return -1;
      dv.setUint8(p, Tag.NULL);
      return p + 1;
  }
}

function decodeInline(view: PayloadView, at: number): unknown[] {
  const count = view.dv.getUint8(at);
  // Generic from the start (see WHY above): a double stored later is boxed, integers stay small.
  const out = new Array<unknown>(count).fill(undefined);
  let p = at + 1;
  for (let i = 0; i < count; i++) {
    p = decodeOne(view, p);
    out[i] = decoded;
  }
  return out;
}

/** The value read by the last decodeOne (a module variable, not a tuple: no allocation per value). */
let decoded: unknown;

/** Reads one tagged value at byte p into `decoded`; returns the byte after it. */
function decodeOne(view: PayloadView, p: number): number {
  const { dv } = view;
  switch (dv.getUint8(p++)) {
    case Tag.INT: decoded = dv.getInt32(p, true); return p + 4;
    case Tag.DOUBLE: decoded = dv.getFloat64(p, true); return p + 8;
    case Tag.STRING: {
      const len = dv.getUint8(p++);
      let s = '';
      for (let c = 0; c < len; c++, p += 2) s += String.fromCharCode(dv.getUint16(p, true));
      decoded = s;
      return p;
    }
    case Tag.SAB: decoded = view.sabs.get(dv.getInt32(p, true)); return p + 4;
    case Tag.TRUE: decoded = true; return p;
    case Tag.FALSE: decoded = false; return p;
    case Tag.NULL: decoded = null; return p;
    default: decoded = undefined; return p;
  }
}
