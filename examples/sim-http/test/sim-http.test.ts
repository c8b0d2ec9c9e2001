// The cache under fault plans: the naive cache is caught serving an older version by seed, shrunk and replayed; the fixed one passes the same seeds.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation } from '@runtime-traits/local';
import { explore, generatePlan, replay, shrink } from '@runtime-traits/simtest';
import { CACHE_SIM, cacheFixed, cacheNaive, HTTP_FAULTS, runCacheOn } from '../src/lib/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-http-'));

describe('sim-http: a cache (node:http + undici) in front of a slow backend, under partitions, loss and crashes', function () {
  this.timeout(600_000);

  it('should catch the naive cache serving an older version, shrink the run, replay it exactly, and pass it once fixed', async () => {
    const found = await explore(cacheNaive, { seeds: 20, faults: HTTP_FAULTS, workers: 2 });
    const failure = found.failures[0]!;
    expect(failure, 'a failing seed').to.not.equal(undefined);
    expect(failure.error.assertion).to.equal('a reader never sees an older version than one it saw');
    expect(failure.error.message).to.match(/r\d read version \d+ after version \d+ \[seed=\d+\]/);
    const file = join(dir, 'http-naive.json');
    const shrunk = await shrink(cacheNaive, failure, { file });
    expect(shrunk.plan.faults.length).to.be.at.most(failure.plan.faults.length);
    const replayed = await replay(cacheNaive, file);
    expect(replayed).to.deep.include({ traceHash: shrunk.traceHash, reproduced: true });
    expect(replayed.error?.message).to.equal(shrunk.error.message);
    const fixed = await replay(cacheFixed, file);
    expect(fixed.error).to.equal(undefined);
  });

  it('should keep the fixed cache monotonic over 30 seeds with faults, having hit the cache, retried the backend and restarted the cache', async () => {
    const report = await explore(cacheFixed, { seeds: 30, faults: HTTP_FAULTS, workers: 2 });
    expect(report.failures).to.deep.equal([]);
    expect(report.runs).to.equal(30);
    expect(report.sometimes).to.include.members(['the cache answered from memory', 'the cache retried the backend', 'the cache restarted',
      'a fetched item arrived older than the cached one']);
  });

  it('should trace each run the same way twice with one seed (checkDeterminism), faults and all', async () => {
    const plan = generatePlan(3, HTTP_FAULTS);
    expect(plan.faults.length).to.be.greaterThan(0);
    const report = await Simulation.checkDeterminism((sim) => runCacheOn(sim, plan, true), { seed: 3, ...CACHE_SIM });
    expect(report.result.hits).to.be.greaterThan(0);
    expect(report.events).to.be.greaterThan(500);
  });
});
