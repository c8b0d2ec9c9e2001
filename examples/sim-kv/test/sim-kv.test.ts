// The kv-server under fault plans: the correct retrying client's histories are linearizable; both bugs are found, shrunk and replayed.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explore, generatePlan, replay, shrink, simTest, type ExploreFailure } from '@runtime-traits/simtest';
import { KV_FAULTS, kvCorrect, kvRetryWrites, kvStaleReads } from '../src/lib/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-kv-'));

describe('sim-kv: the kv-server under partitions, crashes and bad links', function () {
  this.timeout(300_000);

  it('should give linearizable histories through the correct client over 150 seeds, having exercised the faults', async () => {
    const report = await explore(kvCorrect, { seeds: 150, faults: KV_FAULTS, workers: 2 });
    expect(report.failures).to.deep.equal([]);
    expect(report.runs).to.equal(150);
    // The faults did bite: some operations had unknown outcomes and the server came back from crashes.
    expect(report.sometimes).to.include.members(['an operation ended with an unknown outcome', 'the server restarted']);
    expect(report.neverReached).to.deep.equal(['a read was answered from the cache', 'a write was sent again']);
  });

  it('should end every slow-link episode back at the simulation\'s own links (1..10 ms, no loss)', () => {
    let links = 0;
    let restored = 0;
    for (let seed = 1; seed <= 50; seed++) {
      for (const fault of generatePlan(seed, KV_FAULTS).faults) {
        if (fault.kind !== 'link') continue;
        links++;
        if (fault.latency.min === 1 && fault.latency.max === 10 && fault.lossRate === 0) restored++;
      }
    }
    expect(links).to.be.above(10);
    expect(restored).to.equal(links / 2); // each episode: one degraded link, then one restored
  });

  describe('a retry that sends a write again (INCR applied twice)', () => {
    let failure: ExploreFailure;

    before(async () => {
      const report = await explore(kvRetryWrites, { seeds: 100, faults: KV_FAULTS, workers: 2 });
      failure = report.failures[0]!;
    });

    it('should be found by explore as a non-linearizable history', () => {
      expect(failure).to.not.equal(undefined);
      expect(failure.error.assertion).to.equal('kv history is linearizable');
      expect(failure.error.message).to.match(/\* c\d (incr|get) [xy]/);
    });

    it('should shrink to the same small plan on every call, replay exactly, and pass once the client is fixed', async () => {
      const file = join(dir, 'retry-writes.json');
      const shrunk = await shrink(kvRetryWrites, failure, { file });
      const again = await shrink(kvRetryWrites, failure);
      expect(again.plan).to.deep.equal(shrunk.plan);
      expect(shrunk.plan.faults.length).to.be.lessThan(failure.plan.faults.length);
      expect(shrunk.plan.faults.length).to.be.within(1, 2);
      expect(shrunk.error.message).to.match(/\* c\d incr/); // the double INCR itself is what contradicts
      const replayed = await replay(kvRetryWrites, file);
      expect(replayed).to.deep.include({ traceHash: shrunk.traceHash, reproduced: true });
      const fixed = await replay(kvCorrect, file);
      expect(fixed.error).to.equal(undefined);
    });
  });

  describe('a read answered from the cache during a partition (a stale read)', () => {
    it('should be found and shrunk to a plan that still serves the stale value', async () => {
      const report = await explore(kvStaleReads, { seeds: 300, faults: KV_FAULTS, workers: 2 });
      const failure = report.failures[0]!;
      expect(failure.error.assertion).to.equal('kv history is linearizable');
      expect(report.sometimes).to.include('a read was answered from the cache');
      const shrunk = await shrink(kvStaleReads, failure);
      expect(shrunk.plan.faults.length).to.be.at.most(2);
      expect(shrunk.error.message).to.match(/\* c\d get [xy] -> /);
    });
  });

  // The mocha integration, as a user writes it: a passing simTest (it registers its own it()).
  simTest('the correct client stays linearizable (simTest, 40 seeds)', kvCorrect, { seeds: 40, faults: KV_FAULTS, workers: 2 });
});
