// The checks every runtime shares for shutdown options and join bodies: one wording, one behaviour, everywhere.
import { expect } from 'chai';
import { checkJoinResult, checkShutdownOptions, isThenable } from '../src/kit/index.js';

describe('checkShutdownOptions', () => {
  it('should give the grace period, 0 when none is asked for', () => {
    expect([checkShutdownOptions(undefined), checkShutdownOptions({}), checkShutdownOptions({ graceMs: 250 })]).to.deep.equal([0, 0, 250]);
  });

  it('should refuse a bad graceMs with the error every runtime throws, naming opts.graceMs', () => {
    expect(() => checkShutdownOptions({ graceMs: -1 })).to.throw(RangeError, /^opts\.graceMs must be a finite number >= 0, got -1$/);
    expect(() => checkShutdownOptions({ graceMs: '5' })).to.throw(TypeError, /^opts\.graceMs must be a number of milliseconds, got "5"$/);
    expect(() => checkShutdownOptions(5)).to.throw(TypeError, /^opts must be an options object, got 5$/);
  });
});

describe('checkJoinResult', () => {
  it('should pass a plain result through', () => {
    const value = { a: 1 };
    expect(checkJoinResult(value, 'a')).to.equal(value);
    expect(checkJoinResult(undefined, 'b')).to.equal(undefined);
  });

  it('should refuse a thenable with a TypeError naming the body, and keep its rejection from going unhandled', async () => {
    let unhandled: unknown;
    const onUnhandled = (reason: unknown): void => { unhandled = reason; };
    process.on('unhandledRejection', onUnhandled);
    try {
      expect(() => checkJoinResult(Promise.reject(new Error('late')), 'b'))
        .to.throw(TypeError, /^b\.fn returned a thenable; join runs synchronous bodies only \(use spawn for async work\)$/);
      expect(() => checkJoinResult({ then: () => undefined }, 'a')).to.throw(TypeError, /^a\.fn returned a thenable/);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).to.equal(undefined);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('isThenable', () => {
  it('should see objects and functions with a callable then, and nothing else', () => {
    const fn = Object.assign(() => 1, { then: () => undefined });
    expect([Promise.resolve(), { then() {} }, fn].map(isThenable)).to.deep.equal([true, true, true]);
    expect([null, undefined, 1, 'then', { then: 1 }, () => 1].map(isThenable)).to.deep.equal([false, false, false, false, false, false]);
  });
});
