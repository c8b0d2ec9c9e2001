// resolveTask: a TaskDef is found in this realm's registry, else by importing its module; a def its module does not define is refused.
import { expect } from 'chai';
import { defineTask, type TaskDef } from '@runtime-traits/core';
import { isVerified, resolveTask } from '../src/index.js';
import { double, handMade, renamed, undefinedHere } from './fixtures/tasks.js';

const fixtures = new URL('./fixtures/tasks.js', import.meta.url).href;

describe('resolveTask', () => {
  it('should find the def its module defines under its name', async () => {
    const found = await resolveTask(double);
    expect(found).to.equal(double);
    expect(found.fn({} as never, 5)).to.equal(10);
  });

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
