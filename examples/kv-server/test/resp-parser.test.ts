// The request parser: whole frames, frames split anywhere, inline commands, and malformed input.
import { expect } from 'chai';
import { RespParser } from '../src/lib/resp-parser.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const words = (cmds: Uint8Array[][]) => cmds.map((args) => args.map((a) => dec.decode(a)));

describe('RespParser', () => {
  describe('having whole multibulk frames', () => {
    it('should return every pipelined command in order', () => {
      const parser = new RespParser();
      const { commands, error } = parser.feed(enc.encode('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n'));
      expect(error).to.equal(undefined);
      expect(words(commands)).to.deep.equal([['PING'], ['SET', 'k', 'v1']]);
    });

    it('should keep binary values intact, CR and LF included', () => {
      const value = new Uint8Array([0, 13, 10, 255, 36, 42]);
      const frame = new Uint8Array([...enc.encode('*2\r\n$4\r\nECHO\r\n$6\r\n'), ...value, 13, 10]);
      const { commands } = new RespParser().feed(frame);
      expect([...commands[0]![1]!]).to.deep.equal([...value]);
    });
  });

  describe('having reads small enough for V8 to keep inside its heap (64 bytes or less)', () => {
    it('should give copies, so the read stays in the heap, and views into a larger read', () => {
      const frame = enc.encode('*2\r\n$3\r\nGET\r\n$7\r\nkey:123\r\n');
      const small = () => frame.slice(); // a new array of that size: inside the heap
      expect(frame.length).to.be.at.most(64);
      const kept: Uint8Array[][] = [];
      const before = process.memoryUsage().arrayBuffers; // bytes of live buffers outside the heap
      for (let i = 0; i < 2000; i++) kept.push(...new RespParser().feed(small()).commands);
      expect(process.memoryUsage().arrayBuffers - before).to.be.below(2000);
      expect(words(kept.slice(0, 1))).to.deep.equal([['GET', 'key:123']]);
      const large = enc.encode(`*2\r\n$3\r\nGET\r\n$70\r\n${'k'.repeat(70)}\r\n`);
      const [[, key]] = new RespParser().feed(large).commands as [[Uint8Array, Uint8Array]];
      expect(key.buffer).to.equal(large.buffer);
      expect(key.byteOffset).to.equal(large.indexOf(107));
    });
  });

  describe('having a frame split at every possible byte', () => {
    it('should parse the same commands as from one chunk', () => {
      const frame = enc.encode('*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$5\r\nworld\r\n*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n');
      for (let cut = 1; cut < frame.length; cut++) {
        const parser = new RespParser();
        const first = parser.feed(frame.subarray(0, cut));
        const second = parser.feed(frame.subarray(cut));
        expect(words([...first.commands, ...second.commands]), `cut at ${cut}`).to.deep.equal([['SET', 'hello', 'world'], ['GET', 'hello']]);
      }
    });

    it('should wait for a large bulk fed one byte at a time', () => {
      const big = 'x'.repeat(5000);
      const frame = enc.encode(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`);
      const parser = new RespParser();
      const got: Uint8Array[][] = [];
      for (let i = 0; i < frame.length; i++) got.push(...parser.feed(frame.subarray(i, i + 1)).commands);
      expect(got).to.have.length(1);
      expect(dec.decode(got[0]![1])).to.equal(big);
    });
  });

  describe('having inline commands', () => {
    it('should split on spaces and honour quotes and escapes', () => {
      const { commands } = new RespParser().feed(enc.encode('SET k "two words\\n"\r\nPING\nGET \'k\'\r\n\r\n'));
      expect(words(commands)).to.deep.equal([['SET', 'k', 'two words\n'], ['PING'], ['GET', 'k']]);
    });
  });

  describe('having a malformed frame', () => {
    it('should return the commands before it and then the error', () => {
      const { commands, error } = new RespParser().feed(enc.encode('*1\r\n$4\r\nPING\r\n*1\r\n+OK\r\n'));
      expect(words(commands)).to.deep.equal([['PING']]);
      expect(error?.message).to.equal("expected '$', got '+'");
    });

    for (const [frame, message] of [
      ['*abc\r\n', 'invalid multibulk length'],
      ['*1\r\n$-5\r\n', 'invalid bulk length'],
      ['*01\r\n', 'invalid multibulk length'],
      ['*1\r\n$04\r\nPING\r\n', 'invalid bulk length'],
      ['*1\r\n$536870913\r\n', 'invalid bulk length'],
      ['*1\r\n$9999999999\r\n', 'invalid bulk length'],
      ['*9999999999\r\n', 'invalid multibulk length'],
      ['SET k "unterminated\r\n', 'unbalanced quotes in request'],
    ] as const) {
      it(`should report ${message} for ${JSON.stringify(frame)}`, () => {
        expect(new RespParser().feed(enc.encode(frame)).error?.message).to.equal(message);
      });
    }

    it('should skip the two bytes after a bulk body unchecked, as Redis does', () => {
      const { commands, error } = new RespParser().feed(enc.encode('*1\r\n$2\r\nabcd\r\n'));
      expect(error).to.equal(undefined);
      expect(words(commands)).to.deep.equal([['ab']]);
    });

    it('should refuse an endless line instead of buffering it forever', () => {
      const parser = new RespParser();
      let error;
      for (let i = 0; i < 20 && !error; i++) error = parser.feed(enc.encode('a'.repeat(8192))).error;
      expect(error?.message).to.equal('too big inline request');
    });

    it('should stay failed: later input yields nothing', () => {
      const parser = new RespParser();
      parser.feed(enc.encode('*x\r\n'));
      const later = parser.feed(enc.encode('*1\r\n$4\r\nPING\r\n'));
      expect(later.commands).to.deep.equal([]);
      expect(later.error).to.be.instanceOf(Error);
    });
  });
});
