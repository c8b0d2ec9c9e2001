// resolveTask: a TaskDef is found by importing its module, and a def not exported under its name is refused.
import { expect } from 'chai';
import { defineTask } from '@runtime-traits/core';
import { resolveTask } from '../src/index.js';
import { double, misnamed } from './fixtures/tasks.js';

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
