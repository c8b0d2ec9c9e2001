import { expect } from 'chai';
import { defineTask } from '../src/index.js';
import { resolveTask } from '../src/kit/index.js';
import { double, misnamed } from './fixtures/tasks.js';

describe('defineTask', () => {
  it('should return a frozen def carrying module, name and fn', () => {
    expect(double.module).to.equal(new URL('./fixtures/tasks.js', import.meta.url).href);
    expect(double.name).to.equal('double');
    expect(double.fn({} as never, 21)).to.equal(42);
    expect(Object.isFrozen(double)).to.equal(true);
  });

  it('should reject a missing module, name or fn with a TypeError naming it', () => {
    expect(() => defineTask('', 'x', () => 1)).to.throw(TypeError, /module/);
    expect(() => defineTask(import.meta.url, '', () => 1)).to.throw(TypeError, /name/);
    expect(() => defineTask(import.meta.url, 'x', 42 as never)).to.throw(TypeError, /fn/);
  });

  describe('resolveTask', () => {
    it('should find the def its module exports under its name', async () => {
      const found = await resolveTask(double);
      expect(found.fn({} as never, 5)).to.equal(10);
    });

    it('should reject a def not exported under its name', async () => {
      const error = await resolveTask(misnamed).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain('somethingElse');
    });

    it('should reject a module that cannot be imported, naming it', async () => {
      const ghost = defineTask('file:///nowhere/ghost.js', 'ghost', () => 1);
      const error = await resolveTask(ghost).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain('ghost.js');
    });
  });
});
