// Byte helpers for a binary-safe protocol without Node's Buffer: latin1 strings map bytes 1:1.

const utf8 = new TextEncoder();

const char = String.fromCharCode;

/**
 * Bytes → a string with one char per byte (0..255), so keys stay binary-safe in a Map.
 *
 * WHY the switch: a key is made for every command that names one, and one call of
 * String.fromCharCode with the bytes as its arguments is ~4x faster than `apply` over a typed array
 * (which first copies it into a list) and than joining shorter strings (which the Map must flatten
 * before hashing): measured 65 ns against 160 ns for a 16-byte key, 160 ns against 330 ns for 32
 * bytes. Keys up to 32 bytes take that path; longer ones pay `apply`.
 */
export function latin1(bytes: Uint8Array): string {
  const b = bytes;
  switch (b.length) {
    case 0: return '';
    case 1: return char(b[0]!);
    case 2: return char(b[0]!, b[1]!);
    case 3: return char(b[0]!, b[1]!, b[2]!);
    case 4: return char(b[0]!, b[1]!, b[2]!, b[3]!);
    case 5: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!);
    case 6: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!);
    case 7: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!);
    case 8: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!);
    case 9: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!);
    case 10: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!);
    case 11: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!);
    case 12: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!);
    case 13: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!);
    case 14: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!);
    case 15: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!);
    case 16: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!);
    case 17: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!);
    case 18: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!);
    case 19: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!);
    case 20: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!);
    case 21: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!);
    case 22: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!);
    case 23: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!);
    case 24: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!);
    case 25: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!, b[24]!);
    case 26: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!, b[24]!, b[25]!);
    case 27: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!, b[24]!, b[25]!, b[26]!);
    case 28: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!, b[24]!, b[25]!, b[26]!, b[27]!);
    case 29: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!, b[24]!, b[25]!, b[26]!, b[27]!, b[28]!);
    case 30: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!, b[24]!, b[25]!, b[26]!, b[27]!, b[28]!, b[29]!);
    case 31: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!, b[24]!, b[25]!, b[26]!, b[27]!, b[28]!, b[29]!, b[30]!);
    case 32: return char(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!, b[16]!, b[17]!, b[18]!, b[19]!, b[20]!, b[21]!, b[22]!, b[23]!, b[24]!, b[25]!, b[26]!, b[27]!, b[28]!, b[29]!, b[30]!, b[31]!);
    default: {
      let out = '';
      for (let i = 0; i < b.length; i += 8192) out += char.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
      return out;
    }
  }
}

/** The inverse of `latin1`: each char code (0..255) becomes one byte. */
export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/**
 * The most bytes V8 keeps inside its own heap for a typed array made with `new Uint8Array(n)`; a
 * larger one, and a view of any one (`subarray`, `.buffer`), gets a buffer outside the heap, which
 * costs a malloc and, once garbage, a free on a background thread.
 */
export const ON_HEAP_BYTES = 64;

const utf8Decoder = new TextDecoder();

/**
 * UTF-8 bytes of a string (for values a caller passes as text).
 *
 * WHY the loop: TextEncoder always returns a buffer outside the heap. A short ASCII string (a small
 * command in a simulation, where every write is a fresh array) is copied in here instead.
 */
export function encodeUtf8(text: string): Uint8Array {
  const length = text.length;
  if (length > ON_HEAP_BYTES) return utf8.encode(text);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return utf8.encode(text);
    out[i] = c;
  }
  return out;
}

/**
 * The text of UTF-8 `bytes[start, end)`. A short ASCII run is read here: TextDecoder needs a view,
 * and a view of a small array moves its bytes out of the heap (see ON_HEAP_BYTES).
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let text = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return utf8Decoder.decode(bytes.subarray(start, end));
      text += char(b);
    }
    return text;
  }
  return utf8Decoder.decode(bytes.subarray(start, end));
}

/**
 * How many bytes `encodeUtf8(text)` gives, without encoding: 1 per char below U+0080, 2 below
 * U+0800, 4 per surrogate pair, 3 for the rest (a lone surrogate is encoded as U+FFFD: 3 bytes).
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // two UTF-16 units, four bytes
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
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

/**
 * `parseInt64` as a number, for lengths and counts: null where string2ll fails. Exact up to 15
 * digits (no BigInt made); beyond, the nearest double of the exact value, which still compares
 * right against any limit below 2^53.
 */
export function parseInt64Number(bytes: Uint8Array, from: number, to: number): number | null {
  const length = to - from;
  if (length > 15) {
    const value = parseInt64(bytes, from, to);
    return value === null ? null : Number(value);
  }
  if (length === 0) return null;
  let i = from;
  const negative = bytes[i] === 45;
  if (negative && ++i === to) return null;
  let value = bytes[i]! - 48;
  if (value < 1 || value > 9) return length === 1 && value === 0 ? 0 : null;
  for (i++; i < to; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
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
