// Node's timers inside a scope: Timeout and Immediate shaped like Node's, run in Node's order, on virtual time and as the host's pending work.
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import { promisify } from 'node:util';
import { DeadlockError, type TaskContext } from '@runtime-traits/core';
import { LocalRuntime, Simulation } from '@runtime-traits/local';
import { NodeReactor, NodeRuntime } from '@runtime-traits/node';
import { withNodeApis } from '../../src/index.js';
import { failuresHereAndIn, nodeClearTimeout, nodeSetTimeout, realNow } from './helpers.js';

/** Runs `main` on a fresh local runtime (virtual time) inside withNodeApis; shuts it down after. */
async function onVirtualTime<T>(main: (cx: TaskContext) => Promise<T>): Promise<T> {
  const rt = await LocalRuntime.create();
  try {
    return await withNodeApis(rt, () => rt.run(main));
  } finally {
    await rt.shutdown();
  }
}

const now = (): number => performance.now(); // virtual inside a scope on virtual time

describe('withNodeApis: timers', () => {
  it('should hand out timers shaped like Node\'s: ref/unref/hasRef, refresh, close, an id clearTimeout takes, Symbol.dispose', async () => {
    const seen = await onVirtualTime(async () => {
      const fired: string[] = [];
      const t = setTimeout(() => fired.push('t'), 10);
      const shape = {
        name: t.constructor.name,
        hasRef: t.hasRef(),
        afterUnref: t.unref().hasRef(),
        afterRef: t.ref().hasRef(),
        refreshReturnsItself: t.refresh() === t,
        idleTimeout: (t as unknown as { _idleTimeout: number })._idleTimeout,
      };
      const byId = setTimeout(() => fired.push('byId'), 10);
      clearTimeout(+byId); // a number, as some libraries keep
      const closed = setTimeout(() => fired.push('closed'), 10).close();
      const disposed = setTimeout(() => fired.push('disposed'), 10);
      disposed[Symbol.dispose]();
      const viaNode = setTimeout(() => fired.push('viaNode'), 10);
      nodeClearTimeout(viaNode); // Node's own clearTimeout, taken before the scope, clears it too
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { shape, fired, closedIsTimeout: closed.constructor.name };
    });
    expect(seen).to.deep.equal({
      shape: { name: 'Timeout', hasRef: true, afterUnref: false, afterRef: true, refreshReturnsItself: true, idleTimeout: 10 },
      fired: ['t'],
      closedIsTimeout: 'Timeout',
    });
  });

  it('should answer hasRef() of an immediate as Node does: true while queued, false in its own callback and after', async () => {
    const states = (): Promise<boolean[]> => new Promise((resolve) => {
      const seen: boolean[] = [];
      const cleared = setImmediate(() => {});
      clearImmediate(cleared);
      seen.push(cleared.hasRef(), cleared.ref().hasRef());
      const immediate: NodeJS.Immediate = setImmediate(() => {
        seen.push(immediate.hasRef(), immediate.ref().hasRef());
        setImmediate(() => resolve([...seen, immediate.hasRef()]));
      });
      seen.push(immediate.hasRef());
    });
    const node = await states();
    expect(node).to.deep.equal([false, false, true, false, false, false]);
    expect(await onVirtualTime(states)).to.deep.equal(node);
  });

  it('should run callbacks in Node\'s order, one at a time with the microtasks of each drained before the next', async () => {
    const log = await onVirtualTime(async () => {
      const out: string[] = [];
      setTimeout(() => out.push('timeout A 5'), 5);
      setTimeout(() => { out.push('timeout B 5'); queueMicrotask(() => out.push('microtask of B')); }, 5);
      setTimeout(() => out.push('timeout C 5'), 5);
      setTimeout(() => out.push('timeout 1'), 1);
      setImmediate(() => { out.push('immediate 1'); Promise.resolve().then(() => out.push('microtask of immediate 1')); });
      setImmediate(() => out.push('immediate 2'));
      process.nextTick(() => out.push('nextTick'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      return out;
    });
    expect(log).to.deep.equal([
      'nextTick', 'immediate 1', 'microtask of immediate 1', 'immediate 2',
      'timeout 1', 'timeout A 5', 'timeout B 5', 'microtask of B', 'timeout C 5',
    ]);
  });

  it('should fire at exact virtual times: an hour of setTimeout in well under a second, intervals on their beat, refresh() re-arming', async () => {
    const t0 = realNow();
    const seen = await onVirtualTime(async () => {
      const times: number[] = [];
      await new Promise((resolve) => setTimeout(resolve, 3_600_000));
      times.push(now());
      let ticks = 0;
      await new Promise<void>((resolve) => {
        const iv = setInterval(() => {
          times.push(now());
          if (++ticks === 3) { clearInterval(iv); resolve(); }
        }, 250);
      });
      const again = await new Promise<number[]>((resolve) => {
        const at: number[] = [];
        const t = setTimeout(() => { at.push(now()); if (at.length === 2) resolve(at); else t.refresh(); }, 100); // refresh after firing re-arms
        setTimeout(() => t.refresh(), 60); // pushes the first firing to 160
      });
      return { times, again };
    });
    const wall = realNow() - t0;
    expect(seen.times).to.deep.equal([3_600_000, 3_600_250, 3_600_500, 3_600_750]);
    expect(seen.again).to.deep.equal([3_600_910, 3_601_010]);
    expect(wall).to.be.below(1_000);
  });

  it('should let an unref\'d timer alone not keep a simulated host busy (DeadlockError, as a process exits), a ref\'d one does', async () => {
    const rt = await LocalRuntime.create();
    try {
      const stuck = await withNodeApis(rt, () => rt.run(() => new Promise((resolve) => { setTimeout(resolve, 1_000).unref(); })))
        .then(() => undefined, (e: unknown) => e);
      expect(stuck).to.be.instanceOf(DeadlockError);
      expect(rt.now()).to.equal(0);
      const fired = await withNodeApis(rt, () => rt.run(() => new Promise((resolve) => {
        setTimeout(() => resolve(now()), 2_000).unref().ref();
      })));
      expect(fired).to.equal(2_000);
    } finally {
      await rt.shutdown();
    }
  });

  it('should give node:timers/promises the same timers, with AbortError on abort, intervals and util.promisify', async () => {
    const seen = await onVirtualTime(async () => {
      const value = await timersPromises.setTimeout(50, 'v');
      const at = now();
      const controller = new AbortController();
      const aborted = timersPromises.setTimeout(1_000, 'never', { signal: controller.signal }).catch((e: { name: string; code: string; cause: unknown }) => `${e.name} ${e.code} ${String(e.cause)}`);
      setTimeout(() => controller.abort('enough'), 10);
      const ticks: number[] = [];
      for await (const _ of timersPromises.setInterval(100)) { ticks.push(now()); if (ticks.length === 3) break; }
      await timersPromises.scheduler.wait(5);
      const promisified = await promisify(setTimeout)(7, 'p');
      const immediate = await timersPromises.setImmediate('i');
      return { value, at, aborted: await aborted, ticks, promisified, immediate, end: now() };
    });
    expect(seen).to.deep.equal({
      value: 'v', at: 50, aborted: 'AbortError ABORT_ERR enough', ticks: [150, 250, 350], promisified: 'p', immediate: 'i', end: 362,
    });
  });

  it('should patch the module objects, so node:timers and its ESM named bindings follow', async () => {
    const fixture = await import('./fixtures/esm-timers.js');
    const seen = await onVirtualTime(async () => {
      await fixture.waitWithNamedImport(30);
      await new Promise((resolve) => timers.setTimeout(resolve, 20));
      return now();
    });
    expect(seen).to.equal(50);
  });

  it('should fail the simulation\'s run with an exception thrown by a timer callback (seed tagged), as Node would crash', async () => {
    const sim = new Simulation({ seed: 31 });
    const a = sim.host('a');
    const error = await withNodeApis(a, () => a.run(async () => {
      setTimeout(() => { throw new TypeError('bug in a callback'); }, 5);
      await new Promise((resolve) => setTimeout(resolve, 100));
    })).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.equal('bug in a callback [seed=31]');
    await sim.shutdown();
  });

  it("should fire unref'd timers while a ref'd socket is open, as an open socket keeps a process alive (socket.setTimeout, AbortSignal.timeout)", async () => {
    const sim = new Simulation({ seed: 2, latency: { min: 1, max: 1 } });
    try {
      await withNodeApis(sim.host('server'), () => new Promise<void>((resolve) => {
        net.createServer((socket) => socket.resume()).listen(7000, '0.0.0.0', resolve); // accepts, never answers
      }));
      const seen = await withNodeApis(sim.host('client'), () => sim.host('client').run(async () => {
        const events: string[] = [];
        await new Promise<void>((resolve) => {
          const socket = net.connect(7000, 'server', () => socket.setTimeout(1_000));
          socket.on('timeout', () => { events.push(`idle timeout at ${now()}`); socket.destroy(); resolve(); });
        });
        const socket = net.connect(7000, 'server');
        const signal = AbortSignal.timeout(3_000);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => {
          events.push(`${(signal.reason as Error).name} at ${now()}`);
          socket.destroy();
          resolve();
        }));
        return events;
      }));
      expect(seen).to.deep.equal(['idle timeout at 1002', 'TimeoutError at 4002']);
    } finally {
      await sim.shutdown();
    }
  });

  it('should refuse bad delays and options of node:timers/promises as Node does: rejected (not thrown), same class, code and message', async () => {
    const sim = new Simulation({ seed: 1 });
    const { node, scope } = await failuresHereAndIn(sim.host('a'), {
      'setTimeout options "bad"': () => timersPromises.setTimeout(10, 'x', 'bad' as never),
      'setTimeout options null': () => timersPromises.setTimeout(10, 'x', null as never),
      'setTimeout signal 1': () => timersPromises.setTimeout(10, 'x', { signal: 1 as never }),
      'setImmediate ref "yes"': () => timersPromises.setImmediate('x', { ref: 'yes' as never }),
      'setInterval options 7, first next()': () => timersPromises.setInterval(10, 'x', 7 as never)[Symbol.asyncIterator]().next(),
      'setTimeout delay "x"': () => timersPromises.setTimeout('x' as never, 'v'),
      'setTimeout delay null, options "bad"': () => timersPromises.setTimeout(null as never, 'v', 'bad' as never),
      'setInterval delay "x", first next()': () => timersPromises.setInterval('x' as never)[Symbol.asyncIterator]().next(),
      'scheduler.wait delay "x"': () => timersPromises.scheduler.wait('x' as never),
      'setTimeout callback 42': () => setTimeout(42 as never, 10),
    });
    await sim.shutdown();
    expect(scope).to.deep.equal(node);
  });

  it('should make AbortSignal.timeout follow virtual time', async () => {
    const reason = await onVirtualTime(() => new Promise<string>((resolve) => {
      const signal = AbortSignal.timeout(10_000);
      setTimeout(() => {}, 20_000); // keeps the host busy past the signal's (unref'd) timer
      signal.addEventListener('abort', () => resolve(`${(signal.reason as Error).name} at ${now()}`));
    }));
    expect(reason).to.equal('TimeoutError at 10000');
  });

  it('should keep real time on the node runtime: the scope\'s timers are Node\'s, and hold the scope while pending', async () => {
    const rt = await NodeRuntime.create();
    try {
      const t0 = realNow();
      const seen = await withNodeApis(rt, async () => {
        const t = setTimeout(() => {}, 1);
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { name: t.constructor.name, hasRef: t.hasRef() };
      });
      expect(seen).to.deep.equal({ name: 'Timeout', hasRef: true });
      expect(realNow() - t0).to.be.at.least(25);
    } finally {
      await rt.shutdown();
    }
  });

  it('should keep an interval on its beat when its callback is slow, as Node re-arms it from the start of the callback', async () => {
    const rt = await NodeRuntime.create();
    try {
      // 50 ms apart, each callback busy for 40 ms: Node ticks every ~50 ms; re-armed from the end, ~90.
      const ticks = await withNodeApis(rt, () => new Promise<number[]>((resolve) => {
        const at: number[] = [];
        const timer = setInterval(() => {
          at.push(realNow());
          if (at.length === 6) { clearInterval(timer); resolve(at); return; }
          for (const end = realNow() + 40; realNow() < end;);
        }, 50);
      }));
      const period = (ticks[5]! - ticks[0]!) / 5;
      expect(period).to.be.within(45, 75);
    } finally {
      await rt.shutdown();
    }
  });
});

describe('withNodeApis: timer ids', () => {
  it('should clear a Node timer cleared by its id inside a scope, and never a scope timer of the same number', async () => {
    const fired: string[] = [];
    const node = nodeSetTimeout(() => fired.push('node timer'), 30);
    const nodeId = +node; // Node's own id: a small number
    const rt = await NodeRuntime.create();
    try {
      await withNodeApis(rt, async () => {
        const mine = Array.from({ length: nodeId + 2 }, (_, i) => setTimeout(() => fired.push(`scope timer ${i}`), 40));
        const ids = mine.map((t) => +t);
        expect(new Set(ids).size).to.equal(mine.length);
        expect(ids.every((id) => id !== nodeId), 'no scope timer shares a number with a Node timer').to.equal(true);
        clearTimeout(nodeId);
        await new Promise((resolve) => setTimeout(resolve, 100));
      });
    } finally {
      await rt.shutdown();
    }
    expect(fired).to.have.length(nodeId + 2);
    expect(fired).to.not.include('node timer');
  });
});

describe('withNodeApis: timers on a local runtime driving a foreign NodeReactor (real time)', () => {
  // The reactor's clock counts from the epoch, the local scheduler's from its own start: a timer's
  // due time must be moved onto the scheduler's time, or it lies decades ahead (it never fired, and
  // the scheduler woke every millisecond on an overflowing host timer).
  let reactor: NodeReactor;
  let rt: LocalRuntime;
  let warnings: string[];
  const onWarning = (warning: Error): void => { warnings.push(warning.name); };
  beforeEach(async () => {
    warnings = [];
    process.on('warning', onWarning);
    reactor = new NodeReactor();
    rt = await LocalRuntime.create({ reactor });
  });
  afterEach(async () => {
    process.off('warning', onWarning);
    await rt.shutdown();
    await reactor.close();
  });

  it('should fire a timer on time, without waking the scheduler in between', async () => {
    const started = realNow();
    const cpu = process.cpuUsage();
    const after = await withNodeApis(rt, () => rt.run(() => new Promise<number>((resolve) => setTimeout(() => resolve(realNow() - started), 300))));
    const spent = process.cpuUsage(cpu);
    expect(after).to.be.within(295, 1500);
    expect((spent.user + spent.system) / 1000, 'CPU ms while waiting').to.be.below(150);
    expect(warnings).to.deep.equal([]);
  });

  it('should let http.Server close an idle keep-alive connection at its keepAliveTimeout', async () => {
    const server = await withNodeApis(rt, () => new Promise<http.Server>((resolve) => {
      const s = http.createServer({ keepAliveTimeout: 100 }, (_req, res) => res.end('ok'));
      s.listen(0, '127.0.0.1', () => resolve(s));
    }));
    try {
      const { port } = server.address() as net.AddressInfo;
      const started = realNow();
      const closed = await new Promise<number>((resolve, reject) => { // a plain client, outside the scope
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.resume();
        socket.on('close', () => resolve(realNow() - started));
        const give = nodeSetTimeout(() => { socket.destroy(); reject(new Error('the idle connection was still open after 5 s')); }, 5000);
        socket.on('close', () => nodeClearTimeout(give));
      });
      expect(closed).to.be.below(4000);
      expect(warnings).to.deep.equal([]);
    } finally {
      await withNodeApis(rt, () => new Promise((resolve) => server.close(resolve)));
    }
  });
});
