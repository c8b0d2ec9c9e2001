// HostHooks of a local runtime (what withNodeApis builds on), the host originals and the async-context hooks a compat layer publishes.
import { expect } from 'chai';
import { ASYNC_CONTEXT, DeadlockError, HOST_HOOKS, HOST_ORIGINALS, type HostHooks } from '@runtime-traits/core';
import { LocalRuntime, Simulation } from '../src/index.js';

const hooksOf = (rt: LocalRuntime): HostHooks => rt[HOST_HOOKS];

describe('HostHooks of a local runtime', () => {
  it('should run scheduled callbacks at their virtual time, as the host\'s own pending work', async () => {
    const rt = await LocalRuntime.create({ trace: true });
    const hooks = hooksOf(rt);
    expect(hooks).to.include({ virtual: true, hostName: 'localhost' });
    const seen: string[] = [];
    const result = await rt.run(async () => {
      await new Promise<void>((resolve) => {
        hooks.schedule(3_600_000, () => { seen.push(`timer at ${rt.now()}`); resolve(); }, () => 'an hour');
        hooks.soon(() => seen.push(`soon at ${rt.now()}`), () => 'soon');
      });
      return rt.now();
    });
    expect(result).to.equal(3_600_000);
    expect(seen).to.deep.equal(['soon at 0', 'timer at 3600000']);
    expect(rt.trace().some((line) => line.endsWith(' an hour'))).to.equal(true);
    await rt.shutdown();
  });

  it('should not count a weak callback as pending work: only weak ones left is a deadlock, and time does not move to them', async () => {
    const rt = await LocalRuntime.create();
    const hooks = hooksOf(rt);
    let fired = false;
    hooks.schedule(1_000, () => { fired = true; }, () => 'weak', true);
    const error = await rt.run(() => new Promise(() => {})).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(DeadlockError);
    expect(fired).to.equal(false);
    expect(rt.now()).to.equal(0);
    // With a strong timer after it, time moves on and the weak one fires in its turn.
    const order = await rt.run(() => new Promise<string[]>((resolve) => {
      const log: string[] = [];
      hooks.schedule(2_000, () => { log.push(`strong ${rt.now()}`); resolve(log); }, () => 'strong');
      hooks.schedule(1_500, () => log.push(`weak ${rt.now()}`), () => 'weak 2', true);
    }));
    expect(fired).to.equal(true);
    expect(order).to.deep.equal(['weak 1500', 'strong 2000']);
    await rt.shutdown();
  });

  it('should drop a crashed host\'s callbacks without calling them, tell onDown, and give each host its own seeded stream', async () => {
    const draw = async (seed: number): Promise<number[]> => {
      const sim = new Simulation({ seed });
      const values = [1, 2, 3].map(() => hooksOf(sim.host('a')).randomU32());
      values.push(hooksOf(sim.host('b')).randomU32());
      await sim.shutdown();
      return values;
    };
    const [one, again, other] = [await draw(1), await draw(1), await draw(2)];
    expect(one).to.deep.equal(again);
    expect(one).to.not.deep.equal(other);
    expect(one[3]).to.not.equal(one[0]); // b's stream is not a's

    const sim = new Simulation({ seed: 1 });
    const a = sim.host('a');
    const hooks = hooksOf(a);
    const calls: string[] = [];
    hooks.onDown((reason) => calls.push(`down ${reason}`));
    hooks.schedule(100, () => calls.push('timer'), () => 'timer');
    hooks.soon(() => calls.push('soon'), () => 'soon');
    sim.crash('a');
    await sim.host('b').run(async (cx) => { await cx.runtime.reactor.clock.sleep(500); });
    expect(calls).to.deep.equal(['down crash']);
    sim.restart('a');
    hooks.soon(() => calls.push('soon after restart'), () => 'soon 2');
    await sim.host('b').run(async (cx) => { await cx.runtime.reactor.clock.sleep(1); });
    await sim.shutdown();
    expect(calls).to.deep.equal(['down crash', 'soon after restart', 'down shutdown']);
  });

  it('should hold virtual time still until a foreign wait is released, then run its callback from the ready queue', async () => {
    const rt = await LocalRuntime.create();
    const hooks = hooksOf(rt);
    const log: string[] = [];
    const out = await rt.run(async (cx) => {
      const release = hooks.hold('disk');
      setTimeout(() => release(() => log.push(`released at ${rt.now()}`)), 30); // real time passes; virtual time must not
      const slept = cx.runtime.reactor.clock.sleep(10).then(() => log.push(`slept to ${rt.now()}`));
      await slept;
      return log;
    });
    expect(out).to.deep.equal(['released at 0', 'slept to 10']);
    await rt.shutdown();
  });

  it('should fail every run() with an error given to fail(), tagged with the seed', async () => {
    const sim = new Simulation({ seed: 77 });
    const a = sim.host('a');
    const error = await a.run(async () => {
      hooksOf(a).fail(new Error('uncaught in a callback'));
      await new Promise(() => {});
    }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.equal('uncaught in a callback [seed=77]');
    await sim.shutdown();
  });
});

describe('what a compat layer publishes on globalThis', () => {
  const g = globalThis as Record<PropertyKey, unknown>;

  it('should keep the host\'s original setImmediate for the scheduler while the global one is replaced', async () => {
    const original = globalThis.setImmediate;
    g[HOST_ORIGINALS] = { setImmediate: original };
    g.setImmediate = () => { throw new Error('patched setImmediate called by the runtime'); };
    try {
      const sim = new Simulation({ seed: 1 });
      const t = await sim.host('a').run(async (cx) => { await cx.runtime.reactor.clock.sleep(60_000); return cx.runtime.reactor.clock.now(); });
      expect(t).to.equal(60_000);
      await sim.shutdown();
    } finally {
      g.setImmediate = original;
      delete g[HOST_ORIGINALS];
    }
  });

  it('should start a task in the context captured at its spawn, asked of the ASYNC_CONTEXT hooks with the task\'s runtime', async () => {
    let current: unknown = 'none';
    const captured: unknown[] = [];
    g[ASYNC_CONTEXT] = {
      capture: (runtime: object) => { captured.push(runtime); return `ctx of spawn ${captured.length}`; },
      run: (context: unknown, fn: () => unknown) => { const before = current; current = context; try { return fn(); } finally { current = before; } },
    };
    try {
      const rt = await LocalRuntime.create();
      const seen = await rt.run(async () => {
        const outer = current; // this fake context lasts only while the task's body runs synchronously
        const inner = await rt.executor.spawnLocal(() => current);
        return [outer, inner];
      });
      expect(seen).to.deep.equal(['ctx of spawn 1', 'ctx of spawn 2']);
      expect(captured).to.deep.equal([rt, rt]);
      await rt.shutdown();
    } finally {
      delete g[ASYNC_CONTEXT];
    }
  });
});
