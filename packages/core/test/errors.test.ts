// The error family: codes, names, and X.is() recognising errors made by another copy of the package.
import { expect } from 'chai';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CancelledError, DeadlockError, NetError, RuntimeError, RuntimeShutdownError, TimeoutError, UnsupportedError,
  WorkerCrashedError,
} from '../src/index.js';

describe('the error family', () => {
  const cases: Array<[string, RuntimeError, string, string]> = [
    ['CancelledError', new CancelledError(), 'ABORT_ERR', 'AbortError'],
    ['TimeoutError', new TimeoutError(), 'ETIMEDOUT', 'TimeoutError'],
    ['RuntimeShutdownError', new RuntimeShutdownError(), 'ERR_RUNTIME_SHUTDOWN', 'RuntimeShutdownError'],
    ['UnsupportedError', new UnsupportedError('net.tls'), 'ERR_UNSUPPORTED', 'UnsupportedError'],
    ['WorkerCrashedError', new WorkerCrashedError(), 'ERR_WORKER_CRASHED', 'WorkerCrashedError'],
    ['DeadlockError', new DeadlockError(['a']), 'ERR_DEADLOCK', 'DeadlockError'],
    ['NetError', new NetError('ECONNREFUSED', 'refused'), 'ECONNREFUSED', 'NetError'],
  ];

  for (const [label, error, code, name] of cases) {
    describe(label, () => {
      it(`should carry code ${code} and name ${name}`, () => {
        expect(error.code).to.equal(code);
        expect(error.name).to.equal(name);
        expect(error).to.be.instanceOf(RuntimeError).and.instanceOf(Error);
      });

      it('should be recognised by RuntimeError.is and by its own class only', () => {
        expect(RuntimeError.is(error)).to.equal(true);
        for (const [, other] of cases) {
          const own = other.constructor as typeof RuntimeError;
          expect(own.is(error), `${own.name}.is(${label})`).to.equal(other.constructor === error.constructor);
        }
      });
    });
  }

  describe('made with no arguments, as Error can be', () => {
    const bare: Array<[(new () => RuntimeError) & { is(value: unknown): boolean }, string, string, RegExp]> = [
      [RuntimeError, 'ERR_RUNTIME', 'RuntimeError', /failed/],
      [CancelledError, 'ABORT_ERR', 'AbortError', /cancelled/],
      [TimeoutError, 'ETIMEDOUT', 'TimeoutError', /timed out/],
      [RuntimeShutdownError, 'ERR_RUNTIME_SHUTDOWN', 'RuntimeShutdownError', /shut down/],
      [UnsupportedError, 'ERR_UNSUPPORTED', 'UnsupportedError', /does not support/],
      [WorkerCrashedError, 'ERR_WORKER_CRASHED', 'WorkerCrashedError', /worker/],
      [DeadlockError, 'ERR_DEADLOCK', 'DeadlockError', /no task can make progress/],
      [NetError, 'EIO', 'NetError', /Network operation failed \(EIO\)/],
    ];
    for (const [Class, code, name, message] of bare) {
      it(`should make a ${Class.name} with code ${code} and a message that says what happened`, () => {
        const error = new Class();
        expect(error).to.be.instanceOf(Class).and.instanceOf(Error);
        expect(error.code).to.equal(code);
        expect(error.name).to.equal(name);
        expect(error.message).to.match(message);
        expect(error.message).to.not.match(/undefined/);
        expect(Class.is(error)).to.equal(true);
        expect(String(error)).to.equal(`${name}: ${error.message}`);
      });
    }

    it('should leave the fields that describe the fault empty rather than invented', () => {
      expect(new DeadlockError().tasks).to.deep.equal([]);
      expect(new UnsupportedError().capability).to.equal(undefined);
      expect(new NetError().syscall).to.equal(undefined);
    });
  });

  it('should not recognise plain errors or lookalikes', () => {
    expect(RuntimeError.is(new Error('x'))).to.equal(false);
    expect(CancelledError.is({ code: 'ABORT_ERR', name: 'AbortError' })).to.equal(false);
    expect(RuntimeError.is(null)).to.equal(false);
    expect(RuntimeError.is('ABORT_ERR')).to.equal(false);
  });

  it('should name the capability an UnsupportedError is about', () => {
    const error = new UnsupportedError('net.tls');
    expect(error.capability).to.equal('net.tls');
    expect(error.message).to.contain('net.tls');
  });

  it('should name the stuck tasks in a DeadlockError', () => {
    const error = new DeadlockError(['reader', 'writer']);
    expect(error.tasks).to.deep.equal(['reader', 'writer']);
    expect(error.message).to.contain('reader').and.contain('writer');
  });

  it('should keep a cause', () => {
    const cause = new Error('root');
    expect(new TimeoutError('late', { cause }).cause).to.equal(cause);
  });

  describe('having a second copy of the package loaded', () => {
    it('should recognise errors across the two copies', async () => {
      // Copy the compiled module to another path: Node loads it as a separate module with separate classes.
      const here = fileURLToPath(new URL('../src/errors.js', import.meta.url));
      const dir = mkdtempSync(join(tmpdir(), 'rt-errors-'));
      copyFileSync(here, join(dir, 'errors.js'));
      const copy = await import(pathToFileURL(join(dir, 'errors.js')).href) as typeof import('../src/errors.js');
      const foreign = new copy.CancelledError();
      expect(foreign).not.to.be.instanceOf(CancelledError);
      expect(CancelledError.is(foreign)).to.equal(true);
      expect(RuntimeError.is(foreign)).to.equal(true);
      expect(TimeoutError.is(foreign)).to.equal(false);
      expect(copy.CancelledError.is(new CancelledError())).to.equal(true);
    });
  });
});
