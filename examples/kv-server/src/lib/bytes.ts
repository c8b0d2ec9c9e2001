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
