// Simulation.checkDeterminism: equal traces resolve with the hash; a difference rejects NondeterminismError showing the first differing events.
import { expect } from 'chai';
import { NondeterminismError, Simulation } from '../src/index.js';

/** A scenario: two hosts exchange a message, after `wait(run)` ms of virtual sleep on host a. */
function pingScenario(wait: (run: number) => number) {
  let run = 0;
  return async (sim: Simulation): Promise<string> => {
    const n = run++;
    const a = sim.host('a');
    const b = sim.host('b');
    b.executor.spawnLocal(async (cx) => {
      const listener = await cx.runtime.reactor.net.listen({ host: '0.0.0.0', port: 9 });
      const conn = (await listener.accept())!;
      await conn.write(new TextDecoder().decode((await conn.read())!).toUpperCase());
      await conn.close();
      await listener.close();
    });
    return a.run(async (cx) => {
      await cx.runtime.reactor.clock.sleep(wait(n));
      const conn = await cx.runtime.reactor.net.connect({ host: 'b', port: 9 });
      await conn.write('ping');
      const reply = new TextDecoder().decode((await conn.read())!);
      await conn.close();
      return reply;
    });
  };
}

describe('Simulation.checkDeterminism', () => {
  it('should resolve with the trace hash and the first run\'s result when every run traces alike', async () => {
    let runs = 0;
    const scenario = pingScenario(() => { runs++; return 10; });
    const report = await Simulation.checkDeterminism(scenario, { seed: 4, runs: 3 });
    expect(runs).to.equal(3);
    expect(report).to.include({ runs: 3, result: 'PING' });
    expect(report.traceHash).to.match(/^[0-9a-f]{16}$/);
    expect(report.events).to.be.greaterThan(10);
    // The same scenario, one more time by hand with the same seed, gives the same hash.
    const sim = new Simulation({ seed: 4, keepTrace: true });
    await pingScenario(() => 10)(sim);
    await sim.shutdown();
    sim.note('SCENARIO RETURNED');
    expect(sim.traceHash()).to.equal(report.traceHash);
  });

  it('should reject NondeterminismError showing where run 2 first differs from run 1', async () => {
    const scenario = pingScenario((run) => (run === 0 ? 10 : 11));
    const error = await Simulation.checkDeterminism(scenario, { seed: 4 }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(NondeterminismError);
    const e = error as NondeterminismError;
    expect(e.code).to.equal('ERR_NONDETERMINISM');
    expect(e).to.include({ seed: 4, run: 2 });
    expect(e.traceHashes).to.have.length(2);
    expect(e.traceHashes[0]).to.not.equal(e.traceHashes[1]);
    const at = e.index - Math.max(0, e.index - 4);
    expect(e.expected[at]).to.not.equal(e.actual[at]);
    expect(e.expected[at]).to.match(/^10 /);
    expect(e.actual[at]).to.match(/^11 /);
    expect(e.message).to.include('seed 4').and.include(`> ${e.index}: ${e.expected[at]}`).and.include(`> ${e.index}: ${e.actual[at]}`);
  });

  it('should use the options of the simulation it is called on (its seed), and leave that simulation alone', async () => {
    const sim = new Simulation({ seed: 11, latency: { min: 3, max: 9 } });
    const mine = await sim.checkDeterminism(pingScenario(() => 5));
    const same = await Simulation.checkDeterminism(pingScenario(() => 5), { seed: 11, latency: { min: 3, max: 9 } });
    const other = await Simulation.checkDeterminism(pingScenario(() => 5), { seed: 12, latency: { min: 3, max: 9 } });
    expect(mine.traceHash).to.equal(same.traceHash);
    expect(mine.traceHash).to.not.equal(other.traceHash);
    expect(sim.hostNames()).to.deep.equal([]);
    await sim.shutdown();
  });

  it('should rethrow the scenario\'s error when it fails alike on every run, and call a failure in one run only a difference', async () => {
    const always = async (sim: Simulation): Promise<never> => {
      await sim.host('a').run(async (cx) => { await cx.runtime.reactor.clock.sleep(5); });
      throw new RangeError('the scenario found a bug');
    };
    const thrown = await Simulation.checkDeterminism(always, { runs: 2 }).then(() => undefined, (e: unknown) => e);
    expect(thrown).to.be.instanceOf(RangeError).with.property('message', 'the scenario found a bug');
    let n = 0;
    const once = async (sim: Simulation): Promise<void> => {
      await sim.host('a').run(async (cx) => { await cx.runtime.reactor.clock.sleep(5); });
      if (n++ === 1) throw new RangeError('only the second time');
    };
    const diff = await Simulation.checkDeterminism(once).then(() => undefined, (e: unknown) => e);
    expect(diff).to.be.instanceOf(NondeterminismError);
    expect((diff as NondeterminismError).actual.join('\n')).to.include('SCENARIO THREW RangeError: only the second time');
  });

  it('should refuse bad arguments with a TypeError or RangeError naming them', async () => {
    expect(() => Simulation.checkDeterminism(42 as never)).to.throw(TypeError, /scenario/);
    expect(() => Simulation.checkDeterminism(() => 1, { runs: 1 })).to.throw(RangeError, /opts\.runs/);
    expect(() => Simulation.checkDeterminism(() => 1, { runs: 2.5 })).to.throw(RangeError, /opts\.runs/);
    expect(() => Simulation.checkDeterminism(() => 1, { runs: '3' as never })).to.throw(TypeError, /opts\.runs/);
    expect(() => Simulation.checkDeterminism(() => 1, 'x' as never)).to.throw(TypeError, /opts/);
  });
});
