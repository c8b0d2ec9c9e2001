// The RESP parser under fast-check: any split of any input parses the same; well-formed frames come
// back exactly; hostile input yields commands or a protocol error, never a throw, never memory for
// what a header merely announces.
import { expect } from 'chai';
import fc from 'fast-check';
import { RespParser } from '../src/lib/resp-parser.js';
import type { FeedResult } from '../src/lib/resp-parser.js';
import { commands, concatBytes, cuts, encodeFrame, hostileBytes, split } from './support/hostile.js';

/** Feeds the pieces in order; returns every command and the error, if any. */
function parseAll(pieces: readonly Uint8Array[], parser = new RespParser()): { commands: number[][][]; error?: string; held: number[] } {
  const out: number[][][] = [];
  const held: number[] = [];
  let error: string | undefined;
  for (const piece of pieces) {
    const result: FeedResult = parser.feed(piece);
    out.push(...result.commands.map((args) => args.map((arg) => [...arg])));
    held.push(parser.heldBytes);
    if (result.error) { error = result.error.message; break; }
  }
  return { commands: out, error, held };
}

describe('RespParser (property-based)', () => {
  it('should return exactly the commands encoded, however the stream is split', () => {
    fc.assert(fc.property(commands, fc.nat(), (cmds, seed) => {
      const bytes = concatBytes(cmds.map(encodeFrame));
      const points = fc.sample(cuts(bytes.length), { numRuns: 1, seed })[0]!;
      const parsed = parseAll(split(bytes, points));
      expect(parsed.error).to.equal(undefined);
      expect(parsed.commands).to.deep.equal(cmds.map((args) => args.map((arg) => [...arg])));
    }), { numRuns: 300 });
  });

  it('should parse hostile input split at every byte exactly as in one piece', () => {
    fc.assert(fc.property(hostileBytes, (bytes) => {
      const whole = parseAll([bytes]);
      const byteByByte = parseAll([...bytes].map((b) => Uint8Array.of(b)));
      expect(byteByByte.commands).to.deep.equal(whole.commands);
      expect(byteByByte.error).to.equal(whole.error);
    }), { numRuns: 300 });
  });

  it('should answer hostile input split anywhere with commands or a protocol error, holding no more than it was sent', () => {
    fc.assert(fc.property(hostileBytes.chain((bytes) => fc.tuple(fc.constant(bytes), cuts(bytes.length))), ([bytes, points]) => {
      const pieces = split(bytes, points);
      const parsed = parseAll(pieces); // a throw fails the property
      let fed = 0;
      pieces.forEach((piece, i) => {
        fed += piece.length;
        // Each held argument is counted at its size plus 64 bytes of bookkeeping; a frame of n
        // arguments takes at least 6n bytes on the wire, so 12x bounds what a sender can make us hold.
        if (i < parsed.held.length) expect(parsed.held[i]).to.be.at.most(12 * fed + 64);
      });
      if (parsed.error !== undefined) {
        expect(parsed.error).to.match(/^(invalid multibulk length|invalid bulk length|expected '\$', got '.*|unbalanced quotes in request|too big (inline request|mbulk count string|bulk count string))$/s);
      }
    }), { numRuns: 500 });
  });

  it('should hold only the bytes that arrived after a header announcing 512 MB, a billion arguments, or more', () => {
    for (const header of ['*1\r\n$536870912\r\n', '*2147483647\r\n', '*2\r\n$4\r\nECHO\r\n$536870912\r\n']) {
      const parser = new RespParser();
      parser.feed(new TextEncoder().encode(header));
      for (let i = 0; i < 16; i++) parser.feed(new Uint8Array(64 * 1024));
      expect(parser.heldBytes, header).to.be.at.most(16 * 64 * 1024 + header.length + 64);
    }
    for (const header of ['*9999999999\r\n', '*1\r\n$9999999999\r\n', '*1\r\n$536870913\r\n']) {
      expect(new RespParser().feed(new TextEncoder().encode(header)).error?.message, header).to.match(/^invalid (multi)?bulk length$/);
    }
  });

  it('should enforce a configured max bulk length and query buffer limit', () => {
    const enc = new TextEncoder();
    const small = new RespParser({ maxBulkLength: 1024, maxQueryBuffer: 64 * 1024 });
    expect(small.feed(enc.encode('*1\r\n$1025\r\n')).error?.message).to.equal('invalid bulk length');
    const limited = new RespParser({ maxBulkLength: 1024 * 1024, maxQueryBuffer: 64 * 1024 });
    limited.feed(enc.encode('*1\r\n$1000000\r\n'));
    const result = limited.feed(new Uint8Array(70 * 1024));
    expect(result.error?.message).to.equal('query buffer limit reached');
    expect(result.error?.reply).to.equal(false);
  });
});
