// The codec and a slot's payload: what travels inline, what through v8.serialize, what must go by message, and errors that always fit.
import { expect } from 'chai';
import { CancelledError, NetError } from '@runtime-traits/core';
import {
  decodeValue, decodeValues, encodedLength, encodeValue, encodeValues, Kind, payloadView, type PayloadView,
} from '../src/memory/codec.js';
import { PAYLOAD_BYTES, SlotMode } from '../src/memory/layout.js';
import { SabRegistry } from '../src/memory/sab-registry.js';
import { readArgs, readResult, writeResult, writeTask } from '../src/memory/slot-payload.js';

function view(bytes = 4096): { view: PayloadView; sabs: SabRegistry; announced: number[] } {
  const sabs = new SabRegistry(new Int32Array(new SharedArrayBuffer(64 * 4)));
  const announced: number[] = [];
  sabs.announce = (id) => announced.push(id);
  return { view: payloadView(new SharedArrayBuffer(bytes), sabs), sabs, announced };
}

describe('codec', () => {
  it('should carry numbers, -0, NaN, booleans, null, undefined and short strings inline, exactly', () => {
    const { view: v } = view();
    const values = [0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1.5, -0, Number.NaN, Infinity, true, false, null, undefined, '', 'héllo ✓ 😀', 'x'.repeat(64)];
    expect(encodeValues(v, 8, PAYLOAD_BYTES * 4, values)).to.equal(Kind.INLINE);
    const back = decodeValues(v, 8, Kind.INLINE, encodedLength);
    expect(back).to.have.length(values.length);
    values.forEach((value, i) => expect(Object.is(back[i], value), `value ${i}: ${String(value)}`).to.equal(true));
  });

  it('should serialize what is not inline-able (objects, long strings, bigints) when it fits, and say SIDE when it does not', () => {
    const { view: v } = view();
    const values = [{ a: [1, 'two'] }, 'y'.repeat(65), 10n, new Map([[1, 2]])];
    expect(encodeValues(v, 0, PAYLOAD_BYTES, values)).to.equal(Kind.V8);
    expect(encodedLength).to.be.greaterThan(0).and.at.most(PAYLOAD_BYTES);
    expect(decodeValues(v, 0, Kind.V8, encodedLength)).to.deep.equal(values);
    expect(encodeValues(v, 0, PAYLOAD_BYTES, ['z'.repeat(PAYLOAD_BYTES)])).to.equal(Kind.SIDE);
    expect(encodeValues(v, 0, PAYLOAD_BYTES, [() => 1]), 'not cloneable at all').to.equal(Kind.SIDE);
  });

  it('should never write past its limit', () => {
    const { view: v } = view(64);
    v.u8.fill(0xee);
    const eight = [1, 2, 3, 4, 5, 6, 7, 8]; // 41 bytes inline, more than 16 serialized too
    expect(encodeValues(v, 0, 16, eight)).to.equal(Kind.SIDE);
    expect(encodeValues(v, 0, 16, ['a'.repeat(30)])).to.equal(Kind.SIDE);
    expect(Array.from(v.u8.subarray(16)).every((b) => b === 0xee), 'bytes beyond the limit').to.equal(true);
  });

  it('should carry a single value without wrapping it in an array, and round-trip it', () => {
    const { view: v } = view();
    for (const value of [42, 0.25, 'short', null, { deep: { x: 1 } }]) {
      const kind = encodeValue(v, 0, PAYLOAD_BYTES, value);
      expect(decodeValue(v, 0, kind, encodedLength)).to.deep.equal(value);
    }
  });

  it('should send a SharedArrayBuffer by number, announcing it once, and give the same buffer back', () => {
    const { view: v, announced } = view();
    const sab = new SharedArrayBuffer(8);
    expect(encodeValues(v, 0, PAYLOAD_BYTES, [sab, sab])).to.equal(Kind.INLINE);
    const [a, b] = decodeValues(v, 0, Kind.INLINE, encodedLength);
    expect(a).to.equal(sab);
    expect(b).to.equal(sab);
    expect(announced).to.have.length(1);
  });
});

describe('slot payload', () => {
  const slots = new Int32Array(new SharedArrayBuffer(4 * 256));
  const { view: v } = view(4 * 256);

  it('should write a task and read its arguments back; too big is SIDE (false), without arguments only the header', () => {
    expect(writeTask(slots, v, 1, 7, SlotMode.JOIN, [3, 'a'])).to.equal(true);
    expect(readArgs(slots, v, 1)).to.deep.equal([3, 'a']);
    expect(writeTask(slots, v, 2, 7, SlotMode.TASK, ['q'.repeat(1000)])).to.equal(false);
    expect(writeTask(slots, v, 3, 9, SlotMode.TASK, undefined)).to.equal(true);
  });

  it('should read a value result as written, and a result too big for the slot as side', () => {
    expect(writeResult(slots, v, 1, true, { sum: 10 })).to.equal(true);
    expect(readResult(slots, v, 1)).to.deep.equal({ ok: true, value: { sum: 10 }, side: false });
    expect(writeResult(slots, v, 1, true, 'r'.repeat(1000))).to.equal(false);
    expect(readResult(slots, v, 1)).to.deep.include({ ok: true, side: true });
  });

  it('should rebuild an error as the same class and code', () => {
    writeResult(slots, v, 2, false, new NetError('ECONNRESET', 'peer reset'));
    const back = readResult(slots, v, 2);
    expect(back.ok).to.equal(false);
    expect(back.value).to.be.instanceOf(NetError);
    expect(back.value).to.include({ code: 'ECONNRESET', message: 'peer reset' });
  });

  it('should make every error fit in the slot: the stack goes first, then the message is cut to 80 characters', () => {
    const error = new CancelledError('m'.repeat(5000));
    expect(writeResult(slots, v, 3, false, error), 'an error never needs a message').to.equal(true);
    const back = readResult(slots, v, 3).value as Error;
    expect(back).to.be.instanceOf(CancelledError);
    expect(back.message).to.equal('m'.repeat(80));
    const short = new TypeError('short message');
    short.stack = `TypeError: short message\n${'    at somewhere\n'.repeat(200)}`;
    writeResult(slots, v, 3, false, short);
    expect((readResult(slots, v, 3).value as Error).message, 'a long stack alone is dropped, the message kept').to.equal('short message');
  });
});
