// What crosses threads: inline values, big payloads by message, transfer lists, errors with their class and code.
import { expect } from 'chai';
import { WorkStealingRuntime } from '../src/index.js';
import { echo, sumBytes } from './fixtures/tasks.js';

describe('WorkStealingRuntime payloads', function () {
  this.timeout(30_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 2 }); });
  after(() => rt.shutdown());

  it('round-trips small values of every inline kind', async () => {
    const values = [0, -1, 2 ** 31, 1.5, -0, NaN, true, false, null, undefined, '', 'héllo ☃', 'x'.repeat(64)];
    const back = await Promise.all(values.map((v) => rt.executor.spawn(echo, [v])));
    expect(back).to.deep.equal(values);
    expect(Object.is(back[4], -0)).to.equal(true);
  });

  it('round-trips objects, maps, dates and typed arrays', async () => {
    const value = { a: [1, 2, { b: 'c' }], m: new Map([[1, 'one']]), d: new Date(5), u: new Uint8Array([1, 2, 3]), big: 10n };
    expect(await rt.executor.spawn(echo, [value])).to.deep.equal(value);
  });

  it('carries a 4 MB argument and result that do not fit in a slot', async () => {
    const big = 'z'.repeat(4 * 1024 * 1024);
    const back = await rt.executor.spawn(echo, [big]);
    expect(back === big, 'the same 4 MB string came back').to.equal(true);
  });

  it('moves an ArrayBuffer listed in transfer instead of copying it', async () => {
    const buffer = new ArrayBuffer(1024 * 1024);
    new Uint8Array(buffer).fill(1);
    const task = rt.executor.spawn(sumBytes, [buffer], { transfer: [buffer] });
    expect(await task).to.equal(1024 * 1024);
    expect(buffer.byteLength, 'the buffer was transferred (detached here)').to.equal(0);
  });
});
