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

  describe('having a cause, an AggregateError or fields of its own', () => {
    it("should keep a system error's errno, syscall and path (fs.readFile of a missing file)", async () => {
      const { readFile } = await import('node:fs/promises');
      const error = await readFile('/no/such/file/here').then(() => undefined, (e: unknown) => e) as Error & Record<string, unknown>;
      const back = cross(error) as Error & Record<string, unknown>;
      for (const key of ['code', 'errno', 'syscall', 'path']) expect(back[key], key).to.equal(error[key]);
      expect(back.errno).to.be.a('number');
      expect(back.message).to.equal(error.message);
    });

    it('should rebuild the cause chain, each with its class, and end a cycle', () => {
      const root = new NetError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', { syscall: 'connect' });
      const middle = new TimeoutError('gave up', { cause: root });
      const outer = new Error('request failed', { cause: middle });
      const back = cross(outer) as Error;
      const c1 = back.cause as TimeoutError;
      expect(c1).to.be.instanceOf(TimeoutError);
      expect(c1.message).to.equal('gave up');
      const c2 = c1.cause as NetError;
      expect(c2).to.be.instanceOf(NetError);
      expect([c2.code, c2.syscall, c2.message]).to.deep.equal(['ECONNREFUSED', 'connect', root.message]);
      expect(Object.keys(back)).to.not.include('cause'); // own and not enumerable, as `new Error(m, { cause })` makes it

      const selfish = new Error('me');
      (selfish as Error & { cause: unknown }).cause = selfish;
      let depth = 0;
      for (let e: unknown = cross(selfish); e instanceof Error; e = e.cause) depth++;
      expect(depth).to.be.within(2, 10);
    });

    it('should keep a cause that is not an error when JSON keeps it, and its text when not', () => {
      expect((cross(new Error('x', { cause: { status: 503, retry: [1, 2] } })) as Error).cause).to.deep.equal({ status: 503, retry: [1, 2] });
      expect((cross(new Error('x', { cause: 'because' })) as Error).cause).to.equal('because');
      const mapped = (cross(new Error('x', { cause: new Map([[1, 2]]) })) as Error).cause as Error;
      expect(mapped).to.be.instanceOf(Error);
      expect(mapped.message).to.equal('[object Map]');
    });

    it("should rebuild an AggregateError with its errors", () => {
      const back = cross(new AggregateError([new RangeError('a'), new CancelledError('b'), 'c'], 'all failed')) as AggregateError;
      expect(back).to.be.instanceOf(AggregateError);
      expect(back.message).to.equal('all failed');
      expect(back.errors.map((e: unknown) => (e instanceof Error ? `${e.constructor.name}:${e.message}` : e))).to.deep.equal(['RangeError:a', 'CancelledError:b', 'c']);
    });

    it('should stay small on cycles and shared errors, and keep what it can read when a getter throws', () => {
      const loop = new AggregateError([], 'me, me, me');
      (loop as unknown as { errors: unknown[] }).errors = [loop, loop, loop, loop, loop, loop];
      const records = (r: ErrorRecord | undefined): number => (r ? 1 + records(r.cause) + (r.errors ?? []).reduce((n, e) => n + records(e), 0) : 0);
      expect(records(encodeError(loop)), 'the cycle is cut where it repeats').to.equal(7);
      let shared: Error = new Error('leaf');
      for (let level = 0; level < 8; level++) shared = new AggregateError([shared, shared, shared, shared], `level ${level}`);
      expect(records(encodeError(shared)), 'at most 64 records (4^8 without a bound)').to.be.at.most(64);
      const back = cross(loop) as AggregateError;
      expect(back.errors[0]).to.be.instanceOf(AggregateError).with.property('message', 'me, me, me');

      const tricky = new TypeError('the real message');
      Object.defineProperty(tricky, 'cause', { get() { throw new Error('no cause for you'); } });
      Object.defineProperty(tricky, 'boom', { enumerable: true, get() { throw new Error('no'); } });
      const kept = cross(tricky) as Error;
      expect(kept).to.be.instanceOf(TypeError);
      expect(kept.message).to.equal('the real message');
    });

    it('should keep own fields with primitive values, not functions or objects', () => {
      const error = Object.assign(new Error('http 503'), { statusCode: 503, retryable: false, host: 'db', none: null, body: { a: 1 }, fn: () => 1, nan: NaN });
      const back = cross(error) as Error & Record<string, unknown>;
      expect(back).to.include({ statusCode: 503, retryable: false, host: 'db', none: null });
      expect(back).to.not.have.any.keys('body', 'fn', 'nan');
      const net = Object.assign(new NetError('ECONNRESET', 'read ECONNRESET', { syscall: 'read' }), { errno: -104, address: '127.0.0.1', port: 6379 });
      expect(cross(net)).to.include({ errno: -104, address: '127.0.0.1', port: 6379, code: 'ECONNRESET', syscall: 'read' });
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
