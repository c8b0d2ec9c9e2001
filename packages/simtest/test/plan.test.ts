// Fault plans: the seeded generator, checks, and applyPlan putting faults on the virtual clock.
import { expect } from 'chai';
import { Simulation } from '@runtime-traits/local';
import { applyPlan, checkPlan, describePlan, generatePlan, type Fault } from '../src/index.js';

const HOSTS = ['server', 'c1', 'c2'];

describe('fault plans', () => {
  describe('generatePlan(seed, options)', () => {
    it('should give the same plan for the same seed and different plans across seeds', () => {
      const a = generatePlan(42, { hosts: HOSTS });
      expect(generatePlan(42, { hosts: HOSTS })).to.deep.equal(a);
      const distinct = new Set(Array.from({ length: 50 }, (_, i) => JSON.stringify(generatePlan(i, { hosts: HOSTS }))));
      expect(distinct.size).to.be.greaterThan(30); // a fifth of them have no episode at all
    });

    it('should pair every fault with its end, inside the window, in time order, over the allowed hosts and links', () => {
      for (let seed = 0; seed < 200; seed++) {
        const { faults } = generatePlan(seed, {
          hosts: HOSTS, window: 1000, duration: { min: 10, max: 20 }, episodes: { min: 2, max: 3 },
          crashable: ['server'], links: [['c1', 'server'], ['c2', 'server']],
        });
        expect(faults.length).to.be.within(4, 6);
        for (let i = 1; i < faults.length; i++) expect(faults[i]!.at).to.be.at.least(faults[i - 1]!.at);
        for (const f of faults.filter((x) => x.kind === 'partition' || x.kind === 'crash')) expect(f.at).to.be.below(1000);
        for (const f of faults) expect(f.at).to.be.below(1000 + 20);
        expect(faults.filter((f) => f.kind === 'partition').length).to.equal(faults.filter((f) => f.kind === 'repair').length);
        expect(faults.filter((f) => f.kind === 'crash').length).to.equal(faults.filter((f) => f.kind === 'restart').length);
        for (const f of faults) {
          if ('host' in f) expect(f.host).to.equal('server');
          else expect([f.a, f.b].sort()).to.satisfy((pair: string[]) => pair.includes('server') && pair[0] !== pair[1]);
        }
      }
    });

    it('should draw only the kinds asked for, and nothing when no episode is possible', () => {
      for (let seed = 0; seed < 50; seed++) {
        const kinds = new Set(generatePlan(seed, { hosts: HOSTS, kinds: ['crash'] }).faults.map((f) => f.kind));
        for (const kind of kinds) expect(['crash', 'restart']).to.include(kind);
      }
      expect(generatePlan(1, { hosts: ['alone'], kinds: ['partition'], episodes: { min: 3, max: 3 } }).faults).to.deep.equal([]);
    });

    it('should reject bad options and bad plans, naming the field', () => {
      expect(() => generatePlan(1, { hosts: [] })).to.throw(TypeError, /faults\.hosts/);
      expect(() => generatePlan(1, { hosts: HOSTS, window: 0 })).to.throw(RangeError, /faults\.window/);
      expect(() => generatePlan(1, { hosts: HOSTS, crashable: ['nobody'] })).to.throw(TypeError, /crashable/);
      expect(() => generatePlan(1, { hosts: HOSTS, links: [['c1', 'c1']] })).to.throw(TypeError, /links/);
      expect(() => generatePlan(1.5, { hosts: HOSTS })).to.throw(TypeError, /seed/);
      expect(() => checkPlan({ faults: [{ at: -1, kind: 'crash', host: 'a' }] })).to.throw(RangeError, /plan\.faults\[0\]\.at/);
      expect(() => checkPlan({ faults: [{ at: 1, kind: 'melt', host: 'a' }] })).to.throw(TypeError, /kind/);
      expect(() => checkPlan([])).to.throw(TypeError, /plan/);
      expect(() => describePlan(null as never)).to.throw(TypeError, /^plan must be \{ faults: Fault\[\] \}, got null/);
    });

    it('should refuse numeric strings in a link, a bad baseline and more episodes than a plan can hold', () => {
      const link = { at: 5, kind: 'link', a: 'a', b: 'b', latency: { min: '1', max: '9' }, lossRate: 0 };
      expect(() => checkPlan({ faults: [link] })).to.throw(RangeError, /plan\.faults\[0\]\.latency must be \{ min, max \} numbers/);
      expect(() => generatePlan(1, { hosts: HOSTS, baseline: { latency: { min: 5, max: 1 }, lossRate: 0 } })).to.throw(RangeError, /faults\.baseline\.latency/);
      expect(() => generatePlan(1, { hosts: HOSTS, baseline: { latency: { min: 1, max: 5 }, lossRate: 2 } })).to.throw(RangeError, /faults\.baseline\.lossRate/);
      expect(() => generatePlan(1, { hosts: HOSTS, baseline: 'fast' as never })).to.throw(TypeError, /faults\.baseline/);
      expect(() => generatePlan(1, { hosts: HOSTS, episodes: { min: 1e9, max: 1e9 } })).to.throw(RangeError, /faults\.episodes .*<= 10000/);
      const slow = generatePlan(3, { hosts: HOSTS, kinds: ['link'], episodes: { min: 1, max: 1 }, baseline: { latency: { min: 2, max: 3 }, lossRate: 0.5 } });
      expect(slow.faults[1]).to.deep.include({ latency: { min: 2, max: 3 }, lossRate: 0.5 });
    });
  });

  describe('applyPlan(sim, plan)', () => {
    it('should make each fault happen at its virtual time', async () => {
      const sim = new Simulation({ seed: 1 });
      for (const h of HOSTS) sim.host(h);
      const faults: Fault[] = [
        { at: 300, kind: 'repair', a: 'c1', b: 'server' },
        { at: 100, kind: 'partition', a: 'c1', b: 'server' },
        { at: 150, kind: 'crash', host: 'c2' },
        { at: 250, kind: 'restart', host: 'c2' },
        { at: 200, kind: 'link', a: 'c2', b: 'server', latency: { min: 40, max: 40 }, lossRate: 0.1 },
      ];
      applyPlan(sim, { faults });
      await sim.host('server').run((cx) => cx.runtime.reactor.clock.sleep(1000));
      const lines = sim.trace().filter((l) => /PARTITION|REPAIR|CRASH|RESTART|LINK/.test(l));
      expect(lines).to.deep.equal([
        '100 PARTITION c1 server', '150 c2 CRASH', '200 LINK c2 server latency 40..40 loss 0.1', '250 c2 RESTART', '300 REPAIR c1 server',
      ]);
      expect(describePlan({ faults })).to.include('100 ms partition c1 server');
      await sim.shutdown();
    });

    it('should fail the run, not the process, when a callback of sim.at throws', async () => {
      const sim = new Simulation({ seed: 4 });
      sim.at(50, () => { throw new RangeError('boom at 50'); }, 'BAD FAULT');
      const error = await sim.host('server').run((cx) => cx.runtime.reactor.clock.sleep(1000)).then(() => undefined, (e: unknown) => e as Error & { seed?: unknown });
      expect(error).to.be.instanceOf(RangeError);
      expect(error?.message).to.include('boom at 50');
      expect(error?.seed).to.equal(4);
      expect(sim.trace().some((line) => line.includes('AT FAILED BAD FAULT: boom at 50'))).to.equal(true);
      await sim.shutdown();
    });

    it('should refuse a plan naming a host the simulation does not have', async () => {
      const sim = new Simulation({ seed: 1 });
      sim.host('server');
      expect(() => applyPlan(sim, { faults: [{ at: 1, kind: 'crash', host: 'ghost' }] })).to.throw(TypeError, /ghost/);
      await sim.shutdown();
    });
  });
});
