// The shared argument checks: what each accepts, and the TypeError/RangeError text that names a bad argument.
import { expect } from 'chai';
import {
  checkAddress, checkArgs, checkCount, checkData, checkListenAddress, checkMs, checkPort, checkSignal,
  checkSpawnOptions, checkTaskDef,
} from '../src/kit/index.js';
import { double } from './fixtures/tasks.js';

describe('argument checks', () => {
  describe('checkMs', () => {
    it('should accept zero and positive finite numbers', () => {
      expect(checkMs(0)).to.equal(0);
      expect(checkMs(1.5)).to.equal(1.5);
    });
    it('should reject a non-number with a TypeError naming the argument and the value', () => {
      expect(() => checkMs('10', 'delay')).to.throw(TypeError, /delay.*"10"/);
    });
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`should reject ${bad} with a RangeError`, () => {
        expect(() => checkMs(bad)).to.throw(RangeError, /ms must be a finite number >= 0/);
      });
    }
  });

  describe('checkPort', () => {
    it('should accept 0 and 65535', () => {
      expect(checkPort(0)).to.equal(0);
      expect(checkPort(65535)).to.equal(65535);
    });
    for (const bad of [-1, 65536, 1.5, Number.NaN]) {
      it(`should reject ${bad} with a RangeError naming the port`, () => {
        expect(() => checkPort(bad, 'at.port')).to.throw(RangeError, /at\.port/);
      });
    }
    it('should reject a string port with a TypeError', () => {
      expect(() => checkPort('80')).to.throw(TypeError, /port/);
    });
  });

  describe('checkCount', () => {
    it('should reject zero workers and fractions', () => {
      expect(() => checkCount(0, 'workers')).to.throw(RangeError, /workers/);
      expect(() => checkCount(1.5, 'workers')).to.throw(RangeError, /workers/);
      expect(checkCount(4, 'workers')).to.equal(4);
    });
  });

  describe('checkArgs', () => {
    it('should accept primitives and cloneable objects', () => {
      const args = [1, 'a', null, undefined, 2n, { a: [1, 2] }, new Map([[1, 2]]), new Uint8Array(4), new Date()];
      expect(checkArgs(args)).to.equal(args);
    });
    it('should name the index of an argument that cannot be cloned', () => {
      expect(() => checkArgs([1, () => 2])).to.throw(TypeError, /args\[1\]/);
      expect(() => checkArgs([{ nested: Symbol('s') }])).to.throw(TypeError, /args\[0\]/);
    });
    it('should refuse a class instance, which a clone would strip of its prototype and private fields', () => {
      class Account { #balance = 10; get balance(): number { return this.#balance; } }
      expect(() => checkArgs([1, { owner: new Account() }])).to.throw(TypeError, /args\[1\]\.owner.*Account/);
    });
    it('should refuse values the platform cannot clone: a WeakMap, a promise, a nested symbol', () => {
      expect(() => checkArgs([new WeakMap()])).to.throw(TypeError, /args\[0\].*WeakMap/);
      expect(() => checkArgs([Promise.resolve()])).to.throw(TypeError, /args\[0\].*Promise/);
      expect(() => checkArgs([[1, [Symbol('deep')]]])).to.throw(TypeError, /args\[0\]\[1\]\[0\]/);
    });
    it('should accept cycles, typed arrays, errors, maps and sets of plain data, and transferred buffers', () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      const buffer = new ArrayBuffer(8);
      const args = [cyclic, new Float64Array(2), Buffer.from('node'), new RangeError('r'), new Map([['k', new Set([1])]]), buffer, Object.create(null)];
      expect(checkArgs(args, 'args', [buffer])).to.equal(args);
    });
    it('should reject a non-array', () => {
      expect(() => checkArgs({ 0: 1 })).to.throw(TypeError, /args must be an array/);
    });
  });

  describe('checkTaskDef', () => {
    it('should accept a def from defineTask', () => {
      expect(checkTaskDef(double)).to.equal(double);
    });
    it('should reject a bare function', () => {
      expect(() => checkTaskDef(() => 1)).to.throw(TypeError, /def must be a TaskDef/);
    });
  });

  describe('checkSignal and checkSpawnOptions', () => {
    it('should accept undefined and a real signal', () => {
      expect(checkSignal(undefined)).to.equal(undefined);
      const signal = new AbortController().signal;
      expect(checkSignal(signal)).to.equal(signal);
    });
    it('should reject a lookalike', () => {
      expect(() => checkSignal({ aborted: 'no' }, 'opts.signal')).to.throw(TypeError, /opts\.signal/);
    });
    it('should reject a lookalike that cannot remove its listener', () => {
      // Accepted, it crashed the process: a settling task calls removeEventListener on its signal.
      const lookalike = { aborted: false, addEventListener() {} };
      expect(() => checkSignal(lookalike, 'opts.signal')).to.throw(TypeError, /opts\.signal must be an AbortSignal/);
    });
    it('should reject a bad name and a non-object options', () => {
      expect(() => checkSpawnOptions({ name: 3 })).to.throw(TypeError, /opts\.name/);
      expect(() => checkSpawnOptions('fast')).to.throw(TypeError, /opts must be an options object/);
    });
  });

  describe('addresses and data', () => {
    it('should default a listen host to 127.0.0.1', () => {
      expect(checkListenAddress({ port: 0 })).to.deep.equal({ host: '127.0.0.1', port: 0 });
      expect(checkListenAddress({ path: '/tmp/x.sock' })).to.deep.equal({ path: '/tmp/x.sock' });
    });
    it('should name the bad field of an address', () => {
      expect(() => checkAddress({ host: 'h', port: 70000 })).to.throw(RangeError, /to\.port/);
      expect(() => checkAddress({ host: '', port: 1 })).to.throw(TypeError, /to\.host/);
      expect(() => checkAddress(null)).to.throw(TypeError, /to must be/);
    });
    it('should accept strings and bytes only as data', () => {
      expect(checkData('x')).to.equal('x');
      expect(() => checkData([1, 2])).to.throw(TypeError, /data must be a Uint8Array or a string/);
    });
  });
});
