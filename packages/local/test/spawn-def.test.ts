// spawn(def): a portable task runs on this thread after its module is verified, without making replay depend on import timing.
import { expect } from 'chai';
import { Simulation } from '../src/index.js';
import { double, napThenEcho } from './fixtures/tasks.js';

async function scenario(): Promise<{ hash: string; results: unknown[] }> {
  const sim = new Simulation({ seed: 21 });
  const results = await sim.host('a').run(async (cx) => {
    const { executor } = cx.runtime;
    const tasks = [executor.spawn(napThenEcho, [5, 'x']), executor.spawn(double, [21]), executor.spawnBlocking(double, [4])];
    return Promise.all(tasks);
  });
  const hash = sim.traceHash();
  await sim.shutdown();
  return { hash, results };
}

describe('spawn(def) on the local runtime', () => {
  it('gives the same trace whether the modules are imported during the run or were imported before', async () => {
    const first = await scenario(); // imports tasks.js (a foreign wait: the simulation holds still)
    const second = await scenario(); // already verified: no wait at all
    expect(first.results).to.deep.equal(['x', 42, 8]);
    expect(second).to.deep.equal(first);
  });
});
