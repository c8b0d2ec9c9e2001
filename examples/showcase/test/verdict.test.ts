// The showcase's sentence about the fork-join speedup: a ratio it can stand behind, or the load that explains it.
import { expect } from 'chai';
import { machineState, speedupVerdict } from '../src/verdict.js';

describe('machineState', () => {
  it('should call a machine saturated when its load average reaches its cores', () => {
    expect(machineState(2, 2)).to.equal('saturated');
    expect(machineState(2, 4.61)).to.equal('saturated');
    expect(machineState(8, 8.5)).to.equal('saturated');
  });

  it('should call it busy when less than one core is spare, and idle otherwise', () => {
    expect(machineState(2, 1.2)).to.equal('busy');
    expect(machineState(2, 0.99)).to.equal('idle');
    expect(machineState(8, 2)).to.equal('idle');
  });
});

describe('speedupVerdict', () => {
  const base = { cores: 2, load: 0.1, threads: 2, sequentialMs: 400, parallelMs: 210 };

  it('should state the speedup plainly on an idle machine', () => {
    expect(speedupVerdict(base)).to.equal(
      "the fork-join job ran on 2 threads, 1.90x the speed of node's sequential join (210 ms vs 400 ms, best runs)");
  });

  it('should say a speedup is impossible, and why, when the load average fills every core', () => {
    // The case: 0.58x on 2 threads of a machine whose neighbours held both cores.
    const text = speedupVerdict({ ...base, load: 4.3, sequentialMs: 290, parallelMs: 500 });
    expect(text).to.match(/^this machine is saturated \(load average 4\.30 on 2 cores\)/);
    expect(text).to.contain('a parallel speedup is impossible right now');
    expect(text).to.contain('0.58x');
    expect(text).to.contain('reflects that load, not the runtime');
  });

  it('should still name the load when a saturated machine happened to give a speedup', () => {
    // Not "a speedup is impossible" next to a measured 2.00x: both facts, without contradiction.
    expect(speedupVerdict({ ...base, load: 3, parallelMs: 200 })).to.equal(
      'this machine is saturated (load average 3.00 on 2 cores): other processes want every core, yet this run still '
      + "measured 2.00x the speed of node's sequential join (200 ms vs 400 ms, best runs) on 2 threads; with that load, expect the figure to vary from run to run");
  });

  it('should warn that little speedup is possible when less than one core is spare', () => {
    const text = speedupVerdict({ ...base, load: 1.4, parallelMs: 380 });
    expect(text).to.match(/^this machine is busy \(load average 1\.40 on 2 cores, less than one spare core\)/);
    expect(text).to.contain('1.05x');
  });

  it('should report a good speedup on a busy machine without excuses', () => {
    expect(speedupVerdict({ ...base, load: 1.4, parallelMs: 250 })).to.match(/^the fork-join job ran on 2 threads, 1\.60x/);
  });

  it('should not claim a parallel run on an idle machine was simply slower without saying it is unexpected', () => {
    const text = speedupVerdict({ ...base, parallelMs: 500 });
    expect(text).to.match(/^the fork-join job ran on 2 threads but was no faster: 0\.80x/);
    expect(text).to.contain('although the machine looked idle');
  });

  it('should say there is nothing to compare on one thread or one core', () => {
    expect(speedupVerdict({ ...base, threads: 1 })).to.match(/^the fork-join job ran on 1 thread \(2 cores here\), so there is no parallel speedup to show/);
    expect(speedupVerdict({ ...base, cores: 1, threads: 1 })).to.contain('(1 core here)');
  });

  it('should never pair "ran on N threads, Yx the speed" with a ratio below 1.2', () => {
    for (const load of [0, 0.5, 1, 1.5, 2, 6]) {
      for (const parallelMs of [100, 300, 350, 400, 700]) {
        const text = speedupVerdict({ ...base, load, parallelMs });
        const claim = /^the fork-join job ran on \d+ threads, ([\d.]+)x/.exec(text);
        if (claim) expect(Number(claim[1]), text).to.be.at.least(1.2);
      }
    }
  });
});
