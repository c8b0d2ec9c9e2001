// fast-check arbitraries for request streams: well-formed frames, and hostile ones built from the
// pieces a fuzzer should try (headers announcing huge lengths, nesting, stray CR/LF/NUL, quotes, junk).
import fc from 'fast-check';

const enc = new TextEncoder();

/** A multibulk frame for binary arguments. */
export function encodeFrame(args: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const arg of args) parts.push(enc.encode(`$${arg.length}\r\n`), arg, enc.encode('\r\n'));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

/** Commands of binary arguments (any byte, CR and LF included), at least one argument each. */
export const commands = fc.array(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });

const TOKENS = ['*', '$', '1', '2', '3', '0', '-1', '01', '+1', '9999999999', '2147483647', '2147483648', '536870913',
  '\r', '\n', '\r\n', '\0', ' ', '\t', '"', "'", '\\', '\\x4', '\\x41', 'PING', 'ECHO', 'GET', 'a', 'yo'];

/**
 * Hostile input: tokens, whole valid frames of read-only commands, deep nesting and binary junk,
 * mixed. The words are chosen so that no sequence spells a command whose reply names this server
 * (HELLO, INFO) or changes the keyspace, so two servers can be compared on it.
 */
export const hostileBytes: fc.Arbitrary<Uint8Array> = fc.array(fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TOKENS).map((token) => enc.encode(token)) },
  { weight: 2, arbitrary: fc.constantFrom(['PING'], ['ECHO', 'x\r\ny'], ['GET', 'a']).map((args) => encodeFrame(args.map((a) => enc.encode(a)))) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 50 }).map((depth) => enc.encode('*1\r\n'.repeat(depth))) },
  { weight: 1, arbitrary: fc.constantFrom('*9999999999\r\n', '*1\r\n$9999999999\r\n', '*2147483647\r\n$4\r\nPING\r\n', '*1\r\n$536870912\r\n')
    .map((text) => enc.encode(text)) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 16 }) },
), { minLength: 1, maxLength: 30 }).map(concatBytes);

/** Cut points splitting `length` bytes into pieces (sorted, distinct, inside the range). */
export function cuts(length: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 10 })
    .map((points) => points.filter((p) => p < length).sort((x, y) => x - y));
}

export function split(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const point of points) { pieces.push(bytes.subarray(from, point)); from = point; }
  pieces.push(bytes.subarray(from));
  return pieces.filter((piece) => piece.length > 0);
}
