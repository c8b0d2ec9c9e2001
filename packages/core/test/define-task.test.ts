import { expect } from 'chai';
import { defineTask, lookupTask, type TaskDef } from '../src/index.js';
import { isVerified, resolveTask } from '../src/kit/index.js';
import { double, handMade, renamed, undefinedHere } from './fixtures/tasks.js';

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

  describe('resolveTask', () => {
    it('should find a def defined in this realm without importing its module', async () => {
      // A module that cannot be imported: only the registry can answer (a bundled entry still evaluating is the real case).
      const unimportable = defineTask('file:///not/on/disk/bundle.js', 'inBundle', (_cx, n: number) => n * 3);
      expect(isVerified(unimportable as TaskDef<unknown[], unknown>)).to.equal(true);
      const found = await resolveTask(unimportable);
      expect(found).to.equal(unimportable);
    });

    it('should find a def by module and name alone, as a worker does, even under a name that is not its export', async () => {
      const found = await resolveTask({ module: fixtures, name: 'doubleUnderAnotherName', fn: () => 0 } as TaskDef<[number], number>);
      expect(found).to.equal(renamed);
      expect(found.fn({} as never, 4)).to.equal(8);
    });

    it('should accept a hand-made def its module exports under its name', async () => {
      const found = await resolveTask(handMade);
      expect(found.fn({} as never, 1)).to.equal(2);
    });

    it('should reject a def its module does not define, naming the name and the module', async () => {
      const error = await resolveTask(undefinedHere).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain('neverDefinedHere').and.to.contain(fixtures);
    });

    it('should reject a module that cannot be imported, naming it', async () => {
      const error = await resolveTask({ module: 'file:///nowhere/ghost.js', name: 'ghost', fn: () => 1 }).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain('ghost.js');
    });
  });
});
