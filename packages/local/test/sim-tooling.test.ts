// Simulation tooling: buggify, always/sometimes, world timers (sim.at), restart hooks, and the sender in the trace.
import { expect } from 'chai';
import { always, buggify, currentSimulation, observeSimulations, SimAssertionError, Simulation, sometimes } from '../src/index.js';

/** Runs `rounds` tasks on host 'a' that each sleep a little, then call buggify(p); returns the draws in order. */
async function draws(seed: number, p: number, rounds: number): Promise<boolean[]> {
  const sim = new Simulation({ seed });
  const out: boolean[] = [];
  await sim.host('a').run(async (cx) => {
    for (let i = 0; i < rounds; i++) {
      await cx.runtime.reactor.clock.sleep(1);
      out.push(buggify(p));
    }
  });
  await sim.shutdown();
  return out;
}

describe('simulation tooling', () => {
  describe('buggify(p)', () => {
    it('should be false outside every simulation, whatever p', () => {
      expect(currentSimulation()).to.equal(undefined);
      expect(Array.from({ length: 50 }, () => buggify(1))).to.not.include(true);
    });

    it('should draw from the simulation\'s seeded stream: the same seed gives the same draws, p is honoured', async () => {
      const a = await draws(7, 0.3, 400);
      const b = await draws(7, 0.3, 400);
      const c = await draws(8, 0.3, 400);
      expect(a).to.deep.equal(b);
      expect(a).to.not.deep.equal(c);
      const hits = a.filter(Boolean).length;
      expect(hits).to.be.within(80, 160); // 400 × 0.3 = 120
      expect(await draws(7, 1, 20)).to.deep.equal(Array(20).fill(true));
      expect(await draws(7, 0, 20)).to.deep.equal(Array(20).fill(false));
    });

    it('should keep two simulations taking turns on one thread apart: each sees its own stream', async () => {
      const [alone1, alone2] = [await draws(1, 0.5, 200), await draws(2, 0.5, 200)];
      const [together1, together2] = await Promise.all([draws(1, 0.5, 200), draws(2, 0.5, 200)]);
      expect(together1).to.deep.equal(alone1);
      expect(together2).to.deep.equal(alone2);
    });

    it('should be false again once the simulation is shut down', async () => {
      await draws(3, 1, 1);
      expect(buggify(1)).to.equal(false);
    });

    it('should leave a finished run alone: plain code in a later macrotask, before shutdown, is outside every simulation', async () => {
      const sim = new Simulation({ seed: 5 });
      let inside: boolean | undefined;
      await sim.host('a').run(async (cx) => {
        await cx.runtime.reactor.clock.sleep(10);
        inside = buggify(1);
      });
      // Right after the run, in the same checkpoint as its last turn, the simulation is still current (documented).
      expect(currentSimulation()).to.equal(sim);
      await new Promise((resolve) => setTimeout(resolve, 5)); // unrelated code, later
      expect(inside).to.equal(true);
      expect(currentSimulation()).to.equal(undefined);
      expect(buggify(1)).to.equal(false);
      expect(() => always(false, 'unrelated code')).to.throw(SimAssertionError);
      sometimes(true, 'unrelated sometimes');
      const summary = sim.assertionSummary();
      expect(summary.failure).to.equal(undefined);
      expect(summary.always).to.deep.equal([]);
      expect(summary.sometimes).to.deep.equal([]);
      await sim.host('a').run(async () => undefined); // the simulation was not failed by it
      await sim.shutdown();
    });

    it('should reject a p that is not a probability, naming it', () => {
      expect(() => buggify('0.5' as unknown as number)).to.throw(TypeError, /\bp\b/);
      expect(() => buggify(1.5)).to.throw(RangeError, /\bp\b/);
      expect(() => buggify(Number.NaN)).to.throw(RangeError, /\bp\b/);
    });

    it('should be offered as sim.buggify(p) too, on the same stream', async () => {
      const sim = new Simulation({ seed: 7 });
      const direct: boolean[] = [];
      await sim.host('a').run(async (cx) => {
        for (let i = 0; i < 400; i++) {
          await cx.runtime.reactor.clock.sleep(1);
          direct.push(sim.buggify(0.3));
        }
      });
      await sim.shutdown();
      expect(direct).to.deep.equal(await draws(7, 0.3, 400));
    });
  });

  describe('always(cond, name)', () => {
    it('should throw SimAssertionError outside a simulation when false, and nothing when true', () => {
      expect(() => always(true, 'fine')).to.not.throw();
      const error = (() => { try { always(false, 'broken', 'x was 3'); } catch (e) { return e; } })() as SimAssertionError;
      expect(SimAssertionError.is(error)).to.equal(true);
      expect(error.code).to.equal('ERR_ASSERTION');
      expect(error.assertion).to.equal('broken');
      expect(error.message).to.include('x was 3');
    });

    it('should fail the run at once, even when the caller swallows the throw, and trace the failure', async () => {
      const sim = new Simulation({ seed: 5 });
      const client = sim.host('client');
      let after = 0;
      const run = client.run(async (cx) => {
        await cx.runtime.reactor.clock.sleep(10);
        try { always(1 + 1 === 3, 'arithmetic holds'); } catch { /* a careless library */ }
        await cx.runtime.reactor.clock.sleep(1_000_000);
        after++;
      });
      const error = await run.then(() => undefined, (e: unknown) => e) as SimAssertionError;
      expect(SimAssertionError.is(error)).to.equal(true);
      expect(error.seed).to.equal(5);
      expect(error.message).to.include('[seed=5]');
      expect(sim.now()).to.equal(10);
      expect(after).to.equal(0);
      expect(sim.trace().some((line) => /^10 ALWAYS FAILED arithmetic holds/.test(line))).to.equal(true);
      // Every later run() of this simulation fails with it too.
      const again = await sim.host('other').run(() => 1).then(() => undefined, (e: unknown) => e);
      expect(again).to.equal(error);
      expect(sim.assertionSummary().failure).to.equal(error);
      await sim.shutdown();
    });
  });

  describe('sometimes(cond, name)', () => {
    it('should declare every name it is called with and mark the reached ones, tracing each once', async () => {
      const sim = new Simulation({ seed: 1 });
      await sim.host('a').run(async (cx) => {
        for (let i = 0; i < 5; i++) {
          await cx.runtime.reactor.clock.sleep(1);
          sometimes(i >= 3, 'late round');
          sometimes(false, 'never true');
          always(i < 5, 'bounded');
        }
      });
      const summary = sim.assertionSummary();
      expect(summary.sometimes).to.deep.equal(['late round', 'never true']);
      expect(summary.reached).to.deep.equal(['late round']);
      expect(summary.always).to.deep.equal(['bounded']);
      expect(summary.failure).to.equal(undefined);
      expect(sim.trace().filter((line) => line.includes('SOMETIMES'))).to.deep.equal(['4 SOMETIMES late round']);
      await sim.shutdown();
      expect(() => sometimes(true, '')).to.throw(TypeError, /name/);
    });
  });

  describe('sim.at, onRestart and observeSimulations', () => {
    it('should run sim.at callbacks at their virtual time, untouched by crashes, and boot services again on restart', async () => {
      const seen: string[] = [];
      const sim = new Simulation({ seed: 2 });
      const server = sim.host('server');
      const boot = (rt: typeof server): void => {
        rt.executor.spawnLocal(async (cx) => {
          seen.push(`boot ${cx.runtime.reactor.clock.now()}`);
          await cx.runtime.reactor.clock.sleep(1e9);
        });
      };
      boot(server);
      sim.onRestart('server', boot);
      sim.at(100, () => sim.crash('server'), 'FAULT crash server');
      sim.at(250, () => { seen.push(`restart ${sim.now()}`); sim.restart('server'); });
      const cancel = sim.at(300, () => seen.push('cancelled one ran'));
      cancel();
      await sim.host('client').run((cx) => cx.runtime.reactor.clock.sleep(400));
      expect(seen).to.deep.equal(['boot 0', 'restart 250', 'boot 250']);
      expect(sim.trace()).to.include('100 FAULT crash server');
      expect(() => sim.at(-1, () => undefined)).to.throw(RangeError, /time/);
      expect(() => sim.onRestart('nobody', boot)).to.throw(TypeError, /name/);
      await sim.shutdown();
    });

    it('should tell an observer about each simulation built until it stops observing', async () => {
      const seen: Array<number | string> = [];
      const stop = observeSimulations((sim) => seen.push(sim.seed));
      const a = new Simulation({ seed: 11 });
      const b = new Simulation({ seed: 'twelve' });
      stop();
      const c = new Simulation({ seed: 13 });
      expect(seen).to.deep.equal([11, 'twelve']);
      await Promise.all([a.shutdown(), b.shutdown(), c.shutdown()]);
    });

    it('should name the sender and the send time of every TCP and UDP arrival in the trace', async () => {
      const sim = new Simulation({ seed: 4, latency: { min: 5, max: 5 } });
      sim.host('server').executor.spawnLocal(async (cx) => {
        const listener = await cx.runtime.reactor.net.listen({ host: '0.0.0.0', port: 80 });
        const conn = (await listener.accept())!;
        await conn.read();
        await conn.write('pong');
        const udp = await cx.runtime.reactor.net.bindUdp({ host: '0.0.0.0', port: 53 });
        await udp.send('hi', { host: 'client', port: 53 });
      });
      const client = sim.host('client');
      await client.run(async (cx) => {
        const udp = await cx.runtime.reactor.net.bindUdp({ host: '0.0.0.0', port: 53 });
        const conn = await cx.runtime.reactor.net.connect({ host: 'server', port: 80 });
        await conn.write('ping');
        await conn.read();
        await udp.recv();
      });
      const arrivals = sim.trace().filter((line) => line.includes(' received ') && line.includes(' bytes'));
      expect(arrivals).to.have.length(3);
      for (const line of arrivals) expect(line).to.match(/^(\d+) (server|client) .*received \d+ bytes from (server|client) sent (\d+)$/);
      for (const line of arrivals) {
        const [, at, , , sent] = /^(\d+) (\S+) .* from (\S+) sent (\d+)$/.exec(line)!;
        expect(Number(at) - Number(sent)).to.equal(5);
      }
      await sim.shutdown();
    });
  });
});
