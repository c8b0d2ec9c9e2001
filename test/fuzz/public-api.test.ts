// A property test: hostile values thrown at every public method of every runtime (node, local,
// worksteal, a Simulation host). Each call works, or throws/rejects a TypeError or RangeError that
// names the argument — never another error, a crash, a hang or an unhandled rejection — and every
// runtime answers the same input with the same class of argument error, in the same way (throw or reject).
//
// FUZZ_RUNS (default 25) sets the runs per method; FUZZ_SEED replays a failing run.
import fc from 'fast-check';
import { config, expect } from 'chai';
import { NodeRuntime } from '@runtime-traits/node';
import { LocalRuntime, Simulation } from '@runtime-traits/local';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import type { Runtime } from '@runtime-traits/core';
import { attempt, Escapes, names, type Outcome } from './harness.js';
import { TARGETS, type Subject } from './targets.js';

config.truncateThreshold = 0;

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** A runtime with a listener that hangs up on every connection (so a TLS client fails fast) and a UDP socket. */
async function subject(label: string, rt: Runtime): Promise<Subject> {
  const [listener, udp] = await rt.run(() => Promise.all([rt.reactor.net.listen({ port: 0 }), rt.reactor.net.bindUdp({ port: 0 })]));
  rt.executor.spawnLocal(async () => {
    for await (const conn of listener) await conn.close();
  }).detach();
  return { label, rt, listener, udp };
}

/** What must hold for one runtime's outcome of a call whose argument `param` is hostile. */
function judge(outcome: Outcome, param: string): string | undefined {
  if (outcome.mode === 'hung') return `hung: ${outcome.message}`;
  if (outcome.mode !== 'threw' && outcome.mode !== 'rejected') return undefined;
  if (outcome.cls === 'TypeError' || outcome.cls === 'RangeError') {
    return names(outcome.message, param) ? undefined : `${outcome.cls} does not name the argument '${param}': ${outcome.message}`;
  }
  // Faults of the contract's family (a refused connection, a cancelled sleep, a missing capability) are answers, not bugs.
  if (['NetError', 'CancelledError', 'TimeoutError', 'UnsupportedError'].includes(outcome.cls!)) return undefined;
  return `${outcome.mode} ${outcome.cls}: ${outcome.message}`;
}

/** The argument verdict every runtime must agree on: the class of an argument error and how it came, or 'accepted'. */
function verdict(outcome: Outcome): string {
  if ((outcome.mode === 'threw' || outcome.mode === 'rejected') && (outcome.cls === 'TypeError' || outcome.cls === 'RangeError')) {
    return `${outcome.mode} ${outcome.cls}`;
  }
  return 'accepted';
}

describe('every public method of every runtime, given hostile arguments', function () {
  this.timeout(600_000);
  const subjects: Subject[] = [];
  const escapes = new Escapes();
  let sim: Simulation;

  before(async () => {
    escapes.start();
    sim = new Simulation({ seed: 17 });
    subjects.push(
      await subject('node', await NodeRuntime.create({ blockingThreads: 1 })),
      await subject('local', await LocalRuntime.create()),
      await subject('worksteal', await WorkStealingRuntime.create({ workers: 2, blockingThreads: 1 })),
      await subject('simulation host', sim.host('fuzz')),
    );
  });

  after(async () => {
    escapes.stop();
    for (const s of subjects) if (s.label !== 'simulation host') await s.rt.shutdown();
    await sim?.shutdown();
  });

  for (const target of TARGETS) {
    it(`${target.method}: a TypeError/RangeError naming the argument, or it works — the same on every runtime`, async () => {
      const input = fc.oneof(...target.params.map((p, i) => p.hostile.map((value) => ({ at: i, value }))));
      await fc.assert(fc.asyncProperty(input, async ({ at, value }) => {
        const param = target.params[at]!.name;
        const outcomes: Array<[string, Outcome]> = [];
        for (const s of subjects) {
          outcomes.push([s.label, await attempt(s.rt, (track) => {
            const args = target.params.map((p, i) => (i === at ? value.make() : p.valid(s, track)));
            return target.call(s, args, track);
          }, target.outside)]);
        }
        const problems = outcomes.flatMap(([label, o]) => {
          const wrong = judge(o, param);
          return wrong ? [`${label}: ${wrong}`] : [];
        });
        const verdicts = new Set(outcomes.map(([, o]) => verdict(o)));
        if (verdicts.size > 1) problems.push(`runtimes disagree: ${outcomes.map(([l, o]) => `${l} ${verdict(o)}`).join('; ')}`);
        problems.push(...await escapes.drain());
        expect(problems.join("\n"), `${target.method} with ${param} = ${value.label}`).to.equal("");
      }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
    });
  }

  it('should have lost no worker thread to hostile input', () => {
    const ws = subjects.find((s) => s.label === 'worksteal')!;
    expect(ws.rt.metrics()).to.include({ crashes: 0 });
  });
});

