// The error codec: errors as records and back, keeping class, message, code and stack across threads and machines.
import { expect } from 'chai';
import { runInNewContext } from 'node:vm';
import {
  CancelledError, DeadlockError, NetError, RuntimeError, RuntimeShutdownError, TimeoutError, UnsupportedError, WorkerCrashedError,
} from '../src/index.js';
import { decodeError, encodeError, type ErrorRecord } from '../src/kit/index.js';

/** What the other side of a thread or a Redis job gets: a structured clone, and JSON for the error records. */
function cross(thrown: unknown, opts?: { where?: string }): unknown {
  const record = structuredClone(encodeError(thrown));
  if (record.kind !== 'value') expect(JSON.parse(JSON.stringify(record))).to.deep.equal(record);
  return decodeError(record, opts);
}

describe('encodeError/decodeError', () => {
  describe('having an error of the RuntimeError family', () => {
    it('should rebuild the same class with its message and code', () => {
      const cases: Array<[Error, abstract new (...a: never[]) => Error, string]> = [
        [new CancelledError('c'), CancelledError, 'ABORT_ERR'],
        [new TimeoutError('t'), TimeoutError, 'ETIMEDOUT'],
        [new RuntimeShutdownError('s'), RuntimeShutdownError, 'ERR_RUNTIME_SHUTDOWN'],
        [new WorkerCrashedError('w'), WorkerCrashedError, 'ERR_WORKER_CRASHED'],
        [new NetError('EPIPE', 'n', { syscall: 'write' }), NetError, 'EPIPE'],
        [new UnsupportedError('net.udp'), UnsupportedError, 'ERR_UNSUPPORTED'],
        [new DeadlockError(['a', 'b']), DeadlockError, 'ERR_DEADLOCK'],
        [new RuntimeError('r', 'E_MINE'), RuntimeError, 'E_MINE'],
      ];
      for (const [error, cls, code] of cases) {
        const back = cross(error) as Error & { code: string };
        expect(back, error.name).to.be.instanceOf(cls);
        expect(back.code).to.equal(code);
        expect(back.message).to.equal(error.message);
        expect(back.name).to.equal(error.name);
      }
    });

    it("should keep each class's own fields", () => {
      expect((cross(new UnsupportedError('net.udp')) as UnsupportedError).capability).to.equal('net.udp');
      expect((cross(new NetError('EPIPE', 'n', { syscall: 'write' })) as NetError).syscall).to.equal('write');
      expect((cross(new DeadlockError(['a', 'b'])) as DeadlockError).tasks).to.deep.equal(['a', 'b']);
    });
  });

  describe('having a built-in error', () => {
    it('should rebuild TypeError, RangeError and the other built-ins as themselves', () => {
      for (const Ctor of [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, Error]) {
        const back = cross(new Ctor('m')) as Error;
        expect(back.constructor).to.equal(Ctor);
        expect(back.message).to.equal('m');
      }
    });

    it('should keep a string or number code and a custom name', () => {
      const coded = cross(Object.assign(new Error('x'), { code: 'E_FOO' })) as Error & { code: string };
      expect(coded.code).to.equal('E_FOO');
      expect((cross(Object.assign(new Error('x'), { code: 7 })) as Error & { code: number }).code).to.equal(7);
      class MyError extends RangeError { override name = 'MyError'; }
      const mine = cross(new MyError('y')) as Error;
      expect(mine).to.be.instanceOf(RangeError);
      expect(mine.name).to.equal('MyError');
    });

    it('should rebuild an error from another realm by its name', () => {
      const foreign = runInNewContext('new TypeError("elsewhere")') as Error;
      expect(foreign instanceof Error).to.equal(false);
      const back = cross(foreign) as Error;
      expect(back).to.be.instanceOf(TypeError);
      expect(back.message).to.equal('elsewhere');
    });
  });

  describe('having the remote stack', () => {
    it('should make it the stack, without `where`', () => {
      const error = new TypeError('bad');
      expect((cross(error) as Error).stack).to.equal(error.stack);
    });

    it('should append it to the local stack and keep it as remoteStack, with `where`', () => {
      const error = new TypeError('bad');
      const back = cross(error, { where: 'job 7' }) as Error & { remoteStack: string };
      expect(back.remoteStack).to.equal(error.stack);
      expect(back.stack).to.include('--- remote (job 7) ---');
      expect(back.stack!.endsWith(error.stack!)).to.equal(true);
    });
  });

  describe('having a thrown non-error', () => {
    it('should give back a value that clones', () => {
      expect(cross('just a string')).to.equal('just a string');
      expect(cross({ message: 'a plain object', n: 1 })).to.deep.equal({ message: 'a plain object', n: 1 });
      expect(cross(undefined)).to.equal(undefined);
    });

    it('should turn one that does not clone into an Error with its text', () => {
      const back = cross(Symbol('sym')) as Error;
      expect(back.constructor).to.equal(Error);
      expect(back.message).to.equal('Symbol(sym)');
    });
  });

  it('should write records that are plain data', () => {
    const record: ErrorRecord = encodeError(new NetError('ECONNRESET', 'gone'));
    expect(Object.getPrototypeOf(record)).to.equal(Object.prototype);
    expect(record).to.include({ kind: 'NetError', name: 'NetError', message: 'gone', code: 'ECONNRESET' });
  });
});
