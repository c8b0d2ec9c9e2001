// defineTask: a frozen portable def, and the TypeError that names a missing module, name or fn.
import { expect } from 'chai';
import { defineTask } from '../src/index.js';
import { double } from './fixtures/tasks.js';

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
});
