// Byte helpers for a binary-safe protocol without Node's Buffer: latin1 strings map bytes 1:1.

const utf8 = new TextEncoder();

/** Bytes → a string with one char per byte (0..255), so keys stay binary-safe in a Map. */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}

/** The inverse of `latin1`: each char code (0..255) becomes one byte. */
export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** UTF-8 bytes of a string (for values a caller passes as text). */
export function encodeUtf8(text: string): Uint8Array {
  return utf8.encode(text);
}

export function concat(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Index of the next "\r\n" at or after `from`, or -1. */
export function indexOfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(13, from); i !== -1; i = bytes.indexOf(13, i + 1)) {
    if (i + 1 >= bytes.length) return -1;
    if (bytes[i + 1] === 10) return i;
  }
  return -1;
}

/**
 * Index of the first `byte` at or after `from`, or -1 — searching as C's strchr does on Redis's
 * query buffer: a NUL byte ends the search (Redis finds no line end past one, and waits for more).
 */
export function indexOfStopAtNul(bytes: Uint8Array, byte: number, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === byte) return i;
    if (b === 0) return -1;
  }
  return -1;
}

/**
 * A signed 64-bit integer exactly as Redis's string2ll accepts it: no sign but '-', no leading
 * zeros, no "-0", at most 20 characters, in range; null otherwise.
 */
export function parseInt64(bytes: Uint8Array, from = 0, to = bytes.length): bigint | null {
  const length = to - from;
  if (length === 0 || length > 20) return null;
  if (length === 1 && bytes[from] === 48) return 0n;
  let i = from;
  const negative = bytes[i] === 45;
  if (negative && ++i === to) return null;
  if (bytes[i]! < 49 || bytes[i]! > 57) return null;
  let text = '';
  for (; i < to; i++) {
    const b = bytes[i]!;
    if (b < 48 || b > 57) return null;
    text += String.fromCharCode(b);
  }
  const value = negative ? -BigInt(text) : BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX ? value : null;
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** A base-10 integer written in ASCII, or NaN if `bytes[from, to)` is not one. */
export function parseDecimal(bytes: Uint8Array, from: number, to: number): number {
  if (from >= to || to - from > 16) return NaN;
  let i = from;
  let negative = false;
  if (bytes[i] === 45 /* - */) { negative = true; i++; if (i === to) return NaN; }
  let value = 0;
  for (; i < to; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}
