// Hostile options for making and stopping runtimes (create, shutdown) and for a Simulation's own
// methods: each call works or throws/rejects a TypeError or RangeError naming the argument —
// never another error, a crash (a worker count of 2^31 must not try to start them), or a hang.
import fc from 'fast-check';
import { config, expect } from 'chai';
import { NodeRuntime } from '@runtime-traits/node';
import { LocalRuntime, Simulation } from '@runtime-traits/local';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { TimeoutError, type Runtime } from '@runtime-traits/core';
import { classOf, Escapes, names } from './harness.js';
import { hostileLeaf, hostileOptions, type Hostile } from './hostile.js';

config.truncateThreshold = 0;
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const HANG_MS = 20_000;

type Maker = (opts: unknown) => Promise<Runtime>;
const MAKERS: Array<[string, Maker]> = [
  ['NodeRuntime.create', (o) => NodeRuntime.create(o as never)],
  ['LocalRuntime.create', (o) => LocalRuntime.create(o as never)],
  ['WorkStealingRuntime.create', (o) => WorkStealingRuntime.create(o as never)],
];

/** What went wrong with one call, or undefined when it worked or refused the argument properly. */
async function problemOf(param: string, call: () => unknown, after?: (value: unknown) => Promise<void>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`hung for ${HANG_MS} ms`), HANG_MS); });
  const outcome = (async (): Promise<string | undefined> => {
    let value: unknown;
    try {
      value = await call();
    } catch (error) {
      const cls = classOf(error);
      if (cls !== 'TypeError' && cls !== 'RangeError') return `${cls}: ${(error as Error)?.message}`;
      return names((error as Error).message, param) ? undefined : `${cls} does not name '${param}': ${(error as Error).message}`;
    }
    await after?.(value);
    return undefined;
  })();
  try {
    return await Promise.race([outcome, hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe('making and stopping runtimes, given hostile options', function () {
  this.timeout(900_000);
  const escapes = new Escapes();
  before(() => escapes.start());
  after(() => escapes.stop());

  async function check(label: string, problem: Promise<string | undefined>): Promise<void> {
    const found = [await problem, ...await escapes.drain()].filter(Boolean);
    expect(found.join('\n'), label).to.equal('');
  }

  for (const [label, make] of MAKERS) {
    it(`${label}(opts): a started runtime, or a TypeError/RangeError naming opts`, async () => {
      await fc.assert(fc.asyncProperty(hostileOptions, async (opts: Hostile) => {
        await check(`${label}(${opts.label})`, problemOf('opts', () => make(opts.make()), (rt) => (rt as Runtime).shutdown()));
      }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
    });

    it(`${label}, then shutdown(opts): stopped, or a TypeError/RangeError naming opts`, async () => {
      await fc.assert(fc.asyncProperty(hostileOptions, async (opts: Hostile) => {
        const rt = await make(label.startsWith('Work') ? { workers: 1, blockingThreads: 1 } : undefined);
        try {
          await check(`shutdown(${opts.label})`, problemOf('opts', () => rt.shutdown(opts.make() as never)));
        } finally {
          await rt.shutdown();
        }
      }), { numRuns: Math.max(5, Math.round(RUNS / (label.startsWith('Work') ? 3 : 1))), seed: SEED, endOnFailure: true });
    });
  }

  it('LocalRuntime.create({ reactor }) with a reactor whose every trap throws: a TypeError naming opts.reactor', async () => {
    const trapped = new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); } });
    const error = await LocalRuntime.create({ reactor: trapped as never }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.match(/^opts\.reactor must be a Reactor/);
  });

  it('new Simulation(opts): a simulation, or a TypeError/RangeError naming opts', async () => {
    await fc.assert(fc.asyncProperty(hostileOptions, async (opts: Hostile) => {
      await check(`new Simulation(${opts.label})`, problemOf('opts', () => new Simulation(opts.make() as never), async (sim) => {
        const s = sim as Simulation;
        // A valid maxTime under 5 ms ends this run with the simulation's own TimeoutError: that is the option working.
        await s.host('a').run(async (cx) => { await cx.runtime.reactor.clock.sleep(5); }).catch((error: unknown) => {
          if (!(TimeoutError.is(error) && /virtual time limit/.test((error as Error).message))) throw error;
        });
        await s.shutdown();
      }));
    }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
  });

  describe('a Simulation\'s methods', () => {
    const hostName = fc.oneof(hostileLeaf, fc.constantFrom('a', 'b', 'c d', 'localhost', '10.0.0.9', 'x'.repeat(300)).map((n) => ({ label: JSON.stringify(n), make: () => n }) as Hostile));
    const cases: Array<[string, string[], (sim: Simulation, args: unknown[]) => unknown]> = [
      ['host(name)', ['name'], (sim, [n]) => sim.host(n as never)],
      ['partition(a, b)', ['a', 'b'], (sim, [a, b]) => sim.partition(a as never, b as never)],
      ['repair(a, b)', ['a', 'b'], (sim, [a, b]) => sim.repair(a as never, b as never)],
      ['setLink(a, b, opts)', ['a', 'b', 'opts'], (sim, [a, b, o]) => sim.setLink(a as never, b as never, o as never)],
      ['crash(name)', ['name'], (sim, [n]) => sim.crash(n as never)],
      ['restart(name)', ['name'], (sim, [n]) => sim.restart(n as never)],
    ];
    for (const [method, params, call] of cases) {
      it(`${method}: works, or a TypeError/RangeError naming the argument`, async () => {
        const input = fc.oneof(...params.map((p, i) => (p === 'opts' ? hostileOptions : hostName).map((value) => ({ at: i, value }))));
        await fc.assert(fc.asyncProperty(input, async ({ at, value }) => {
          const sim = new Simulation({ seed: 3 });
          sim.host('a');
          sim.host('b');
          const valid = ['a', 'b', { latency: { min: 1, max: 2 } }];
          const args = params.map((_, i) => (i === at ? value.make() : valid[i]));
          await check(`${method} with ${params[at]} = ${value.label}`, problemOf(params[at]!, () => call(sim, args), async () => {
            await sim.host('a').run(async (cx) => { await cx.runtime.reactor.clock.sleep(5); }).catch(() => undefined);
          }));
          await sim.shutdown();
        }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
      });
    }
  });
});
