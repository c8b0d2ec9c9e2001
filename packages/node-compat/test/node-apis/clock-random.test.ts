// Date, performance.now(), process.hrtime(), Math.random() and crypto's random functions inside a scope: virtual and seeded on a simulated host, Node's own elsewhere.
import { expect } from 'chai';
import crypto from 'node:crypto';
import { Simulation } from '@runtime-traits/local';
import { NodeRuntime } from '@runtime-traits/node';
import { withNodeApis } from '../../src/index.js';
import { failuresHereAndIn } from './helpers.js';

const YEAR_2000 = 946_684_800_000;

/** Every random source, drawn on host `host` of a simulation with `seed`. */
async function draws(seed: number, host = 'a'): Promise<Record<string, unknown>> {
  const sim = new Simulation({ seed });
  const rt = sim.host(host);
  try {
    return await withNodeApis(rt, () => rt.run(async () => {
      const filled = new Uint8Array(8);
      crypto.randomFillSync(filled);
      const viaCallback = await new Promise<string>((resolve, reject) => crypto.randomBytes(6, (e, b) => (e ? reject(e) : resolve(b.toString('hex')))));
      return {
        math: [Math.random(), Math.random()],
        bytes: crypto.randomBytes(8).toString('hex'),
        viaCallback,
        uuid: crypto.randomUUID(),
        webUuid: globalThis.crypto.randomUUID(),
        web: Array.from(globalThis.crypto.getRandomValues(new Uint8Array(6))),
        module: Array.from(crypto.getRandomValues(new Uint8Array(6))),
        int: crypto.randomInt(10, 1_000_000),
        filled: Array.from(filled),
      };
    }));
  } finally {
    await sim.shutdown();
  }
}

describe('withNodeApis: clocks and randomness', () => {
  it('should give Date, performance.now() and process.hrtime() the virtual clock on a simulated host', async () => {
    const sim = new Simulation({ seed: 1 });
    const rt = sim.host('a');
    const seen = await withNodeApis(rt, () => rt.run(async () => {
      const start = { now: Date.now(), perf: performance.now(), hr: process.hrtime.bigint() };
      const mark = process.hrtime();
      await new Promise((resolve) => setTimeout(resolve, 90_061_500)); // 1 day, 1 hour, 1 minute, 1.5 s
      const d = new Date();
      return {
        start,
        now: Date.now() - YEAR_2000,
        iso: d.toISOString(),
        str: Date().slice(0, 15),
        perf: performance.now(),
        hr: process.hrtime.bigint(),
        since: process.hrtime(mark),
        isDate: d instanceof Date && d.constructor === Date,
        utc: Date.UTC(2000, 0, 1),
        parsed: Date.parse('2000-01-01T00:00:00Z'),
        explicit: new Date(0).toISOString(),
      };
    }));
    await sim.shutdown();
    expect(seen).to.deep.equal({
      start: { now: YEAR_2000, perf: 0, hr: 0n },
      now: 90_061_500,
      iso: '2000-01-02T01:01:01.500Z',
      str: 'Sun Jan 02 2000',
      perf: 90_061_500,
      hr: 90_061_500_000_000n,
      since: [90_061, 500_000_000],
      isDate: true,
      utc: YEAR_2000,
      parsed: YEAR_2000,
      explicit: '1970-01-01T00:00:00.000Z',
    });
  });

  it('should give performance.timeOrigin, mark(), measure() and process.uptime() the same virtual clock', async () => {
    const sim = new Simulation({ seed: 1 });
    const rt = sim.host('a');
    await rt.run((cx) => cx.runtime.reactor.clock.sleep(2_000)); // the host has been up 2 s
    const seen = await withNodeApis(rt, () => rt.run(async (cx) => {
      const uptime0 = process.uptime();
      const start = performance.mark('start');
      await cx.runtime.reactor.clock.sleep(10_000);
      const end = performance.mark('end', { detail: 'kept' });
      return {
        origin: performance.timeOrigin + performance.now() - Date.now(),
        uptime: [uptime0, process.uptime()],
        marks: [start.startTime, end.startTime, end.detail],
        given: performance.mark('given', { startTime: 5 }).startTime,
        between: performance.measure('between', 'start', 'end').duration,
        sinceStart: performance.measure('sinceStart', 'start').duration,
        fromZero: performance.measure('fromZero').duration,
        options: performance.measure('options', { start: 'start' }).duration,
        lasting: performance.measure('lasting', { duration: 500 }).startTime,
      };
    }));
    await sim.shutdown();
    expect(Math.abs(seen.origin)).to.be.below(1);
    expect(seen).to.deep.include({
      uptime: [2, 12], marks: [2_000, 12_000, 'kept'], given: 5, between: 10_000, sinceStart: 10_000, fromZero: 12_000, options: 10_000, lasting: 11_500,
    });
    expect(performance.timeOrigin, 'outside: Node\'s own').to.be.above(YEAR_2000 + 20 * 365 * 86_400_000);
  });

  it('should refuse bad arguments to the random functions as Node does: same class, code and message', async () => {
    const sim = new Simulation({ seed: 1 });
    const { node, scope } = await failuresHereAndIn(sim.host('a'), {
      'randomBytes("8")': () => crypto.randomBytes('8' as never),
      'randomBytes(-1)': () => crypto.randomBytes(-1),
      'randomBytes(NaN)': () => crypto.randomBytes(NaN),
      'randomBytes(1.5)': () => crypto.randomBytes(1.5).length,
      'randomBytes(4, "cb")': () => crypto.randomBytes(4, 'cb' as never),
      'randomInt(10.5)': () => crypto.randomInt(10.5),
      'randomInt("1", 2)': () => crypto.randomInt('1' as never, 2),
      'randomInt(5, 5)': () => crypto.randomInt(5, 5),
      'randomInt(0, 2 ** 48)': () => crypto.randomInt(0, 2 ** 48),
      'randomInt(2 ** 48)': () => crypto.randomInt(2 ** 48),
      'randomInt(1, 2, "cb")': () => crypto.randomInt(1, 2, 'cb' as never),
      'getRandomValues 65537 bytes': () => globalThis.crypto.getRandomValues(new Uint8Array(65_537)),
      'getRandomValues Float64Array': () => globalThis.crypto.getRandomValues(new Float64Array(2) as never),
      'getRandomValues DataView': () => crypto.getRandomValues(new DataView(new ArrayBuffer(4)) as never),
    });
    await sim.shutdown();
    expect(scope).to.deep.equal(node);
  });

  it('should draw every random source from the host\'s seeded stream: the same seed, the same values; another seed or host, others', async () => {
    const one = await draws(5);
    const again = await draws(5);
    const otherSeed = await draws(6);
    const otherHost = await draws(5, 'b');
    expect(again).to.deep.equal(one);
    for (const key of Object.keys(one)) {
      expect(otherSeed[key], `${key} with another seed`).to.not.deep.equal(one[key]);
      expect(otherHost[key], `${key} on another host`).to.not.deep.equal(one[key]);
    }
    expect(one.uuid).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(one.int).to.be.within(10, 999_999);
    const math = one.math as number[];
    expect(math.every((x) => x >= 0 && x < 1)).to.equal(true);
  });

  it('should fill the part of a typed array Node fills: offset and size in elements, an ArrayBuffer too, bad ranges refused alike', async () => {
    /** Which 32-bit elements each call leaves zero, and the errors of bad ranges (a run of it shows where the bytes went). */
    const pattern = async (): Promise<unknown[]> => {
      const zeros = (a: Uint32Array): boolean[] => Array.from(a, (x) => x === 0);
      const sync = crypto.randomFillSync(new Uint32Array(4), 1, 2);
      const viaCallback = await new Promise<Uint32Array>((resolve, reject) => crypto.randomFill(new Uint32Array(4), 3, (e, b) => (e ? reject(e) : resolve(b))));
      const whole: unknown = crypto.randomFillSync(new ArrayBuffer(8) as unknown as Uint8Array); // (Node takes an ArrayBuffer; its types do not say so)
      const refused = [[5], [1, 4], [-1], ['1'], [1.5, 2.5], [0, NaN]].map((args) => {
        try {
          const part = crypto.randomFillSync(new Uint32Array(4), ...(args as [number, number]));
          return `filled ${Array.from(part, (x) => x === 0).join()}`;
        } catch (error) {
          const e = error as NodeJS.ErrnoException;
          return `${e.constructor.name} ${e.code}: ${e.message}`;
        }
      });
      return [zeros(sync), zeros(viaCallback), whole instanceof ArrayBuffer && new Uint8Array(whole).some((b) => b !== 0), refused];
    };
    const expected = await pattern();
    expect(expected[0]).to.deep.equal([true, false, false, true]);
    const sim = new Simulation({ seed: 9 });
    const rt = sim.host('a');
    try {
      expect(await withNodeApis(rt, () => rt.run(pattern))).to.deep.equal(expected);
    } finally {
      await sim.shutdown();
    }
  });

  it('should keep Node\'s own clock and randomness outside every scope and on a real-time runtime', async () => {
    const rt = await NodeRuntime.create();
    const sim = new Simulation({ seed: 5 });
    const host = sim.host('a');
    try {
      const simulated = withNodeApis(host, () => host.run(async () => { await new Promise((r) => setTimeout(r, 1_000)); return Date.now(); }));
      const [onNode, outside] = await Promise.all([
        withNodeApis(rt, () => ({ now: Date.now(), uuid: crypto.randomUUID(), random: Math.random() })),
        Promise.resolve({ now: Date.now(), uuid: crypto.randomUUID() }),
      ]);
      expect(await simulated).to.equal(YEAR_2000 + 1_000);
      const wall = performance.timeOrigin + performance.now();
      for (const seen of [onNode, outside]) expect(Math.abs(seen.now - wall)).to.be.below(5_000);
      expect(onNode.uuid).to.not.equal(outside.uuid);
      expect((await draws(5)).uuid).to.not.equal(onNode.uuid);
    } finally {
      await Promise.all([rt.shutdown(), sim.shutdown()]);
    }
  });
});
