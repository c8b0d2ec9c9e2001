// The byte helpers' fast paths against their plain definitions (fast-check): latin1's switch of
// explicit lengths, and string2ll read into a number without a BigInt.
import { expect } from 'chai';
import fc from 'fast-check';
import { decodeUtf8, encodeUtf8, fromLatin1, latin1, parseInt64, parseInt64Number, utf8Length } from '../src/lib/bytes.js';

const enc = new TextEncoder();

describe('latin1(bytes)', () => {
  it('should give one char per byte, the same as String.fromCharCode over every byte, at every length', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      let expected = '';
      for (const b of bytes) expected += String.fromCharCode(b);
      expect(latin1(bytes)).to.equal(expected);
      expect([...fromLatin1(latin1(bytes))]).to.deep.equal([...bytes]);
    }), { numRuns: 2000 });
  });

  it('should read only the bytes of a view, not what lies around it', () => {
    const backing = enc.encode('xxkey:__rand_int__:with-a-tail-of-32-bytesyy');
    for (let length = 0; length <= backing.length - 4; length++) {
      expect(latin1(backing.subarray(2, 2 + length))).to.equal('key:__rand_int__:with-a-tail-of-32-bytesyy'.slice(0, length));
    }
  });
});

describe('parseInt64Number(bytes, from, to)', () => {
  const digits = fc.stringMatching(/^-?[0-9]{0,22}$/);
  const junk = fc.constantFrom('', '-', '-0', '0', '00', '01', '+1', ' 1', '1 ', '9223372036854775807', '9223372036854775808',
    '-9223372036854775808', '-9223372036854775809', '999999999999999', '9999999999999999', '1e3', '0x10');

  it('should accept what string2ll accepts and give its value (as a number), refusing the rest', () => {
    fc.assert(fc.property(fc.oneof(digits, junk), (text) => {
      const bytes = enc.encode(`>${text}<`);
      const exact = parseInt64(bytes, 1, bytes.length - 1);
      expect(parseInt64Number(bytes, 1, bytes.length - 1), text).to.equal(exact === null ? null : Number(exact));
    }), { numRuns: 3000 });
  });
});

describe('utf8Length(text)', () => {
  it('should give the length of TextEncoder\'s bytes for any UTF-16 units, lone surrogates included', () => {
    const units = fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0x7ff }),
      fc.integer({ min: 0x800, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff })), { maxLength: 40 });
    fc.assert(fc.property(units, (codes) => {
      const text = String.fromCharCode(...codes);
      expect(utf8Length(text), JSON.stringify(codes)).to.equal(enc.encode(text).length);
    }), { numRuns: 3000 });
    for (const text of ['', 'a', 'é', '€', '😀', '\ud800', '\udc00', '\ud800\ud800', '\udc00\ud800', 'x\ud83d']) {
      expect(utf8Length(text), JSON.stringify(text)).to.equal(enc.encode(text).length);
    }
  });
});

describe('encodeUtf8(text) and decodeUtf8(bytes, start, end)', () => {
  const units = fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0x7ff }),
    fc.integer({ min: 0x800, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff })), { maxLength: 90 });
  const ascii = fc.array(fc.integer({ min: 0, max: 0x7f }), { maxLength: 90 });

  it('should give TextEncoder\'s bytes for any UTF-16 units, short and long, ASCII or not', () => {
    fc.assert(fc.property(fc.oneof(units, ascii), (codes) => {
      const text = String.fromCharCode(...codes);
      expect([...encodeUtf8(text)], JSON.stringify(codes)).to.deep.equal([...enc.encode(text)]);
    }), { numRuns: 3000 });
  });

  it('should give TextDecoder\'s text for any bytes of any range', () => {
    const dec = new TextDecoder();
    const bytesAndRange = fc.uint8Array({ maxLength: 90 }).chain((bytes) => fc.tuple(fc.constant(bytes),
      fc.nat(bytes.length), fc.nat(bytes.length)));
    fc.assert(fc.property(fc.oneof(bytesAndRange, fc.tuple(fc.uint8Array({ max: 0x7f, maxLength: 90 }), fc.constant(0), fc.constant(90))),
      ([bytes, a, b]) => {
        const [start, end] = [Math.min(a, b, bytes.length), Math.min(Math.max(a, b), bytes.length)];
        expect(decodeUtf8(bytes, start, end)).to.equal(dec.decode(bytes.subarray(start, end)));
      }), { numRuns: 3000 });
  });

  it('should keep a short ASCII command and reply inside the heap (TextEncoder makes a buffer outside it for each)', () => {
    // process.memoryUsage().arrayBuffers counts the bytes of buffers outside V8's heap (a GC in
    // between only lowers it).
    const kept: Uint8Array[] = [];
    let before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 2000; i++) kept.push(encodeUtf8(`*3\r\n$3\r\nSET\r\n$6\r\nkey${100 + (i % 900)}\r\n$1\r\nv\r\n`));
    expect(process.memoryUsage().arrayBuffers - before).to.be.below(2000);
    expect(new TextDecoder().decode(kept[1999])).to.equal('*3\r\n$3\r\nSET\r\n$6\r\nkey299\r\n$1\r\nv\r\n');
    const reply = encodeUtf8('$5\r\nhello\r\n');
    before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 2000; i++) expect(decodeUtf8(reply, 4, 9)).to.equal('hello');
    expect(process.memoryUsage().arrayBuffers - before).to.be.at.most(0);
  });
});
