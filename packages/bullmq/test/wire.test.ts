// The wire format: values survive exactly (JSON fast path or v8), errors come back as the same class with code and remote stack.
import { expect } from 'chai';
import { CancelledError, DeadlockError, NetError, RuntimeError, UnsupportedError, WorkerCrashedError } from '@runtime-traits/core';
import { decodeError, decodeValue, encodeError, encodeValue } from '../src/internal/wire.js';

describe('wire', () => {
  describe('encodeValue/decodeValue', () => {
    it('should take the JSON path for small JSON-exact values', () => {
      expect(encodeValue([1, 'a', { b: true, c: null }])).to.equal('j[1,"a",{"b":true,"c":null}]');
      expect(decodeValue(encodeValue([1, 'a', { b: true }]))).to.deep.equal([1, 'a', { b: true }]);
    });

    it('should take the v8 path for what JSON would change', () => {
      for (const value of [-0, NaN, Infinity, undefined, 1n, [1, , 3], new Date(5), new Map([[1, 2]]), new Set([1]), new Uint8Array([1]), [undefined]]) {
        const text = encodeValue(value);
        expect(text[0], String(value)).to.equal('v');
        const back = decodeValue(text);
        if (typeof value === 'number' && Number.isNaN(value)) expect(Number.isNaN(back)).to.equal(true);
        else expect(back).to.deep.equal(value);
      }
      expect(Object.is(decodeValue(encodeValue(-0)), -0)).to.equal(true);
    });

    it('should keep cycles', () => {
      const a: { self?: unknown } = {};
      a.self = a;
      const back = decodeValue(encodeValue(a)) as { self: unknown };
      expect(back.self).to.equal(back);
    });

    it('should refuse text it did not write', () => {
      expect(() => decodeValue('xyz')).to.throw(TypeError);
    });
  });

  describe('encodeError/decodeError', () => {
    it('should keep a readable line in front of the record', () => {
      expect(encodeError(new RangeError('too big'))).to.match(/^RangeError: too big \[runtime-traits:[A-Za-z0-9+/=]+\]$/);
    });

    it('should rebuild every class of the family with its code', () => {
      const cases: Array<[Error, new (...a: never[]) => Error, string]> = [
        [new CancelledError('c'), CancelledError, 'ABORT_ERR'],
        [new NetError('EPIPE', 'n'), NetError, 'EPIPE'],
        [new UnsupportedError('net.udp'), UnsupportedError, 'ERR_UNSUPPORTED'],
        [new DeadlockError(['a']), DeadlockError, 'ERR_DEADLOCK'],
        [new RuntimeError('r', 'E_MINE'), RuntimeError, 'E_MINE'],
      ];
      for (const [error, cls, code] of cases) {
        const back = decodeError(encodeError(error), 'job 1') as Error & { code: string };
        expect(back).to.be.instanceOf(cls);
        expect(back.code).to.equal(code);
        expect(back.message).to.equal(error.message);
      }
      expect((decodeError(encodeError(new UnsupportedError('net.udp')), 'j') as UnsupportedError).capability).to.equal('net.udp');
      expect(CancelledError.is(decodeError(encodeError(new CancelledError()), 'j'))).to.equal(true);
    });

    it('should attach the remote stack', () => {
      const error = new TypeError('bad');
      const back = decodeError(encodeError(error), 'job 7 on queue q') as Error & { remoteStack: string };
      expect(back).to.be.instanceOf(TypeError);
      expect(back.remoteStack).to.equal(error.stack);
      expect(back.stack).to.include('remote (job 7 on queue q)');
    });

    it('should keep the cause chain and own fields through the JSON of a failedReason', () => {
      const root = Object.assign(new NetError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432', { syscall: 'connect' }), { address: '127.0.0.1', port: 5432 });
      const error = Object.assign(new Error('query failed', { cause: root }), { statusCode: 503, detail: { not: 'kept' } });
      const back = decodeError(encodeError(error), 'job 9') as Error & Record<string, unknown>;
      expect(back.statusCode).to.equal(503);
      expect(back).to.not.have.property('detail');
      expect(back.cause).to.be.instanceOf(NetError);
      expect(back.cause).to.include({ code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 5432, message: root.message });
    });

    it('should give back a thrown non-error as it was thrown, as the other runtimes do, with a readable line in front', () => {
      for (const thrown of ['just a string', 42, { code: 'X', detail: 'kept' }, new Map([[1, 2n]]), undefined]) {
        const reason = encodeError(thrown);
        expect(reason.startsWith('A task threw a non-error value: ')).to.equal(true);
        expect(decodeError(reason, 'j')).to.deep.equal(thrown);
      }
      const fn = decodeError(encodeError(() => 1), 'j') as Error;
      expect(fn.constructor).to.equal(Error);
      expect(fn.message).to.include('cannot be sent');
    });

    it("should map BullMQ's stalled-job failure to WorkerCrashedError", () => {
      expect(decodeError('job stalled more than allowable limit', 'job 3')).to.be.instanceOf(WorkerCrashedError);
      expect((decodeError('something else', 'job 3') as Error).constructor).to.equal(Error);
    });
  });
});
