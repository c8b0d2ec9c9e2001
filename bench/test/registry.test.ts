// The registry loads benchmark modules by name and explains, rather than throws, when one is missing.
import { expect } from 'chai';
import { BENCHMARKS, loadBenchmark } from '../src/registry.js';

describe('loadBenchmark', () => {
  it('should load a benchmark module whose default export runs', async () => {
    const bench = await loadBenchmark('spawn');
    expect(typeof bench).to.equal('object');
    expect((bench as { name: string }).name).to.equal('spawn');
  });

  it('should say which file is missing for a benchmark that does not exist', async () => {
    expect(await loadBenchmark('no-such-bench')).to.equal('bench/src/benches/no-such-bench.ts does not exist (yet)');
  });

  it('should list every benchmark the issue names', () => {
    expect(BENCHMARKS).to.include.members(['spawn', 'threads', 'forkjoin', 'tcp', 'timers', 'memory', 'kv', 'distributed']);
  });
});
