// defineTask: a frozen portable def, the TypeError that names a missing module, name or fn, and the registry lookupTask reads.
import { expect } from 'chai';
import { defineTask, lookupTask } from '../src/index.js';
import { double, renamed } from './fixtures/tasks.js';

const fixtures = new URL('./fixtures/tasks.js', import.meta.url).href;

describe('defineTask', () => {
  it('should return a frozen def carrying module, name and fn', () => {
    expect(double.module).to.equal(fixtures);
    expect(double.name).to.equal('double');
    expect(double.fn({} as never, 21)).to.equal(42);
    expect(Object.isFrozen(double)).to.equal(true);
  });

  it('should reject a missing module, name or fn with a TypeError naming it', () => {
    expect(() => defineTask('', 'x', () => 1)).to.throw(TypeError, /module/);
    expect(() => defineTask(import.meta.url, '', () => 1)).to.throw(TypeError, /name/);
    expect(() => defineTask(import.meta.url, 'x', 42 as never)).to.throw(TypeError, /fn/);
  });

  describe('lookupTask', () => {
    it('should find the def defineTask made for that module and name, by identity', () => {
      expect(lookupTask(fixtures, 'double')).to.equal(double);
      expect(lookupTask(fixtures, 'doubleUnderAnotherName')).to.equal(renamed);
    });

    it('should find nothing for a name no defineTask call used', () => {
      expect(lookupTask(fixtures, 'neverDefinedHere')).to.equal(undefined);
      expect(lookupTask('file:///elsewhere.js', 'double')).to.equal(undefined);
    });

    it('should refuse, with a TypeError naming the task, a name two different tasks of one module share', () => {
      const module = 'file:///merged-by-a-bundler.js';
      defineTask(module, 'clash', () => 1);
      defineTask(module, 'clash', () => 2);
      expect(() => lookupTask(module, 'clash')).to.throw(TypeError, /two tasks are defined as "clash" in file:\/\/\/merged-by-a-bundler\.js/);
    });

    it('should share one registry between two copies of core in one realm (a bundle beside node_modules)', () => {
      const registry = (globalThis as Record<symbol, Map<string, unknown>>)[Symbol.for('@runtime-traits/core/task-registry')];
      expect(registry?.get(`${fixtures}#double`)).to.equal(double);
    });
  });
});
