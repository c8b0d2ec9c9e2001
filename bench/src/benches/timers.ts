// timers: 1M sleeps under the local runtime's virtual clock (timer events/s); 10k concurrent
// real 1 ms sleeps on the Node runtime vs raw setTimeout; simulated TCP messages per second.
import type { Runtime } from '@runtime-traits/core';
import { alternate, type Contender } from '../harness/alternate.js';
import { microRounds, type MicroContender } from '../harness/micro.js';
import { atLeast, reaches, toRows } from '../harness/rows.js';
import { closeRuntime, openRuntime, packageExport } from '../harness/runtimes.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';
import { pingPong } from '../work/tcp-connection.js';

interface SimulationLike {
  host(name: string): Runtime;
}
type SimulationClass = new (opts: { seed: number }) => SimulationLike;

const bench: Benchmark = {
  name: 'timers',
  description: 'virtual-clock sleeps (local), 10k concurrent real sleeps (node vs setTimeout), simulated TCP messages/s',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    for (const part of [virtualSleeps, realSleeps, simulatedTcp]) {
      const done = await part(ctx);
      ctx.record?.(done);
      rows.push(...done);
    }
    return rows;
  },
};

/** tasks × sleeps sequential sleeps of 1..10 virtual ms each, all tasks concurrent. */
async function virtualSleeps(ctx: BenchContext): Promise<BenchRow[]> {
  const tasks = ctx.quick ? 100 : 1_000;
  const sleeps = ctx.quick ? 100 : 1_000;
  const events = tasks * sleeps;
  const label = `${events >= 1e6 ? `${events / 1e6}M` : `${events / 1e3}k`} sleeps (${tasks} tasks x ${sleeps}), virtual clock`;
  ctx.log(`  timers: ${label}`);
  const local = await openRuntime('local');
  try {
    const contender: Contender = typeof local === 'string'
      ? { name: 'local (virtual clock)', unavailable: local, measure: async () => NaN }
      : {
          name: 'local (virtual clock)',
          measure: async () => {
            const t0 = performance.now();
            const v0 = local.reactor.clock.now();
            await local.run(async (cx) => {
              const ex = cx.runtime.executor;
              const clock = cx.runtime.reactor.clock;
              const all = [];
              for (let t = 0; t < tasks; t++) {
                const ms = 1 + (t % 10);
                all.push(ex.spawnLocal(async () => { for (let s = 0; s < sleeps; s++) await clock.sleep(ms); }));
              }
              await Promise.all(all);
            });
            const elapsed = performance.now() - t0;
            // Task t sleeps sleeps * (1 + t % 10) ms of virtual time; the last one ends the run.
            const advanced = local.reactor.clock.now() - v0;
            if (advanced < sleeps * 10) throw new Error(`the virtual clock advanced ${advanced} ms, expected >= ${sleeps * 10}`);
            return (events * 1000) / elapsed;
          },
        };
    const out = await alternate([contender], { rounds: ctx.quick ? 1 : 3, warmup: ctx.quick ? 0 : 1, log: ctx.log, label });
    return toRows({
      bench: 'timers', case: label, unit: 'timer events/s', better: 'higher',
      targets: [reaches('local (virtual clock)', 1e6, 'higher', '>= 1M virtual timer events/s')],
    }, out);
  } finally {
    await closeRuntime(local, ctx.log);
  }
}

/** 10k concurrent sleep(1) / setTimeout(1), all awaited: sleeps completed per second of wall time. */
async function realSleeps(ctx: BenchContext): Promise<BenchRow[]> {
  const n = ctx.quick ? 1_000 : 10_000;
  const label = `${n / 1000}k concurrent 1 ms sleeps, real clock`;
  ctx.log(`  timers: ${label}`);
  const node = await openRuntime('node');
  try {
    const contenders: MicroContender[] = [
      {
        name: 'raw setTimeout',
        batch: async () => {
          const all: Promise<void>[] = new Array(n);
          for (let i = 0; i < n; i++) all[i] = new Promise<void>((resolve) => { setTimeout(resolve, 1); });
          await Promise.all(all);
        },
      },
      typeof node === 'string'
        ? { name: 'node clock.sleep', unavailable: node, batch: () => undefined }
        : {
            name: 'node clock.sleep',
            batch: async () => {
              const clock = node.reactor.clock;
              const all: Promise<void>[] = new Array(n);
              for (let i = 0; i < n; i++) all[i] = clock.sleep(1);
              await Promise.all(all);
            },
          },
    ];
    const out = await microRounds(contenders, { batchSize: n, rounds: ctx.quick ? 1 : 5, timeMs: ctx.quick ? 50 : 400, log: ctx.log, label });
    return toRows({
      bench: 'timers', case: label, unit: 'sleeps/s', better: 'higher', baseline: 'raw setTimeout',
      targets: [atLeast('node clock.sleep', 0.9, 'raw setTimeout', 'higher', '>= 0.9x raw setTimeout (issue 20)')],
      notes: { 'raw setTimeout': 'one batch = create 10k timers, await all; the 1 ms floor is in every figure' },
    }, out);
  } finally {
    await closeRuntime(node, ctx.log);
  }
}

/** 1-byte ping-pong over the simulated network: two messages per round trip. */
async function simulatedTcp(ctx: BenchContext): Promise<BenchRow[]> {
  const rounds = ctx.quick ? 2_000 : 50_000;
  const label = `simulated TCP ping-pong, ${(2 * rounds) / 1000}k messages`;
  ctx.log(`  timers: ${label}`);
  const Simulation = await packageExport<SimulationClass>('@runtime-traits/local', 'Simulation');
  const local = await openRuntime('local');
  const msgs = (ms: number): number => (2 * rounds * 1000) / ms;
  try {
    const contenders: Contender[] = [
      typeof Simulation === 'string'
        ? { name: 'Simulation (2 hosts)', unavailable: Simulation, measure: async () => NaN }
        : {
            name: 'Simulation (2 hosts)',
            measure: async () => {
              const sim = new Simulation({ seed: 42 });
              const server = sim.host('server');
              const client = sim.host('client');
              const ms = await client.run(() => pingPong({
                server: server.reactor.net, client: client.reactor.net,
                listenAt: { host: '0.0.0.0', port: 7000 }, connectHost: 'server',
                spawn: (body) => server.executor.spawnLocal(body),
              }, rounds));
              await client.shutdown();
              await server.shutdown();
              return msgs(ms);
            },
          },
      typeof local === 'string'
        ? { name: 'local loopback', unavailable: local, measure: async () => NaN }
        : {
            name: 'local loopback',
            measure: async () => msgs(await local.run(() => pingPong({
              server: local.reactor.net, client: local.reactor.net,
              listenAt: { host: '127.0.0.1', port: 0 }, connectHost: '127.0.0.1',
              spawn: (body) => local.executor.spawnLocal(body),
            }, rounds))),
          },
    ];
    const out = await alternate(contenders, { rounds: ctx.quick ? 1 : 3, warmup: ctx.quick ? 0 : 1, log: ctx.log, label });
    return toRows({
      bench: 'timers', case: label, unit: 'messages/s', better: 'higher',
      targets: [
        reaches('Simulation (2 hosts)', 1e5, 'higher', '>= 100k simulated TCP messages/s'),
        reaches('local loopback', 1e5, 'higher', '>= 100k simulated TCP messages/s'),
      ],
    }, out);
  } finally {
    await closeRuntime(local, ctx.log);
  }
}

export default bench;
