// tcp: echo throughput (64 KiB writes, MB/s) and 1-byte ping-pong (round trips/s) through the
// contract's Connection on the Node runtime and inside a worksteal worker, vs raw net.Socket.
import type { Runtime } from '@runtime-traits/core';
import { alternate, type Contender } from '../harness/alternate.js';
import { atLeast, toRows } from '../harness/rows.js';
import { closeRuntime, openRuntime } from '../harness/runtimes.js';
import { echoInWorker, pingPongInWorker, rawEchoInWorker, rawPingPongInWorker } from '../tasks/tcp.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';
import { echoThroughput, pingPong, type Ends } from '../work/tcp-connection.js';
import { echoOver, pingPongOver, rawNet } from '../work/net-like.js';
import { promisePingPong } from '../work/tcp-raw.js';

const RAW = 'raw net.Socket';
const NODE = 'node Connection';
const WORKER = 'worksteal worker Connection';
const LEAN = 'raw promise loop';
const RAW_WORKER = 'raw net.Socket in a worker';

const bench: Benchmark = {
  name: 'tcp',
  description: 'loopback TCP echo throughput and ping-pong: Connection (node runtime, worksteal worker) vs raw net.Socket',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const chunk = 64 * 1024;
    // Samples of about a second (shorter ones swing by a third on a shared machine), as the compat bench's.
    const total = (ctx.quick ? 8 : 512) * 1024 * 1024;
    const rounds = ctx.quick ? 1_000 : 80_000;
    const reps = ctx.quick ? 1 : 9;
    const rows: BenchRow[] = [];
    let node: Runtime | string = 'not opened';
    let ws: Runtime | string = 'not opened';
    try {
      node = await openRuntime('node');
      ws = await openRuntime('worksteal', { workers: 1 });
      const nodeRt = node;
      const wsRt = ws;
      const ends = (rt: Runtime): Ends => ({ server: rt.reactor.net, client: rt.reactor.net, listenAt: { host: '127.0.0.1', port: 0 }, connectHost: '127.0.0.1' });
      const mbps = (ms: number): number => total / (1024 * 1024) / (ms / 1000);
      const rtps = (ms: number): number => rounds / (ms / 1000);
      const pick = (name: string, rt: Runtime | string, measure: (rt: Runtime) => Promise<number>): Contender =>
        typeof rt === 'string' ? { name, unavailable: rt, measure: async () => NaN } : { name, measure: () => measure(rt) };

      const echoLabel = `echo ${total / (1024 * 1024)} MiB in 64 KiB writes`;
      ctx.log(`  tcp: ${echoLabel}`);
      const echo = await alternate([
        { name: RAW, measure: async () => mbps(await echoOver(rawNet, total, chunk)) },
        pick(NODE, nodeRt, async (rt) => mbps(await echoThroughput(ends(rt), total, chunk))),
        pick(WORKER, wsRt, async (rt) => mbps(await rt.executor.spawn(echoInWorker, [total, chunk]))),
        pick(RAW_WORKER, wsRt, async (rt) => mbps(await rt.executor.spawn(rawEchoInWorker, [total, chunk]))),
      ], { rounds: reps, warmup: 1, log: ctx.log, label: echoLabel });
      rows.push(...toRows({
        bench: 'tcp', case: echoLabel, unit: 'MB/s', better: 'higher', baseline: RAW,
        targets: [atLeast(NODE, 0.9, RAW, 'higher'), atLeast(WORKER, 0.9, RAW, 'higher')],
        notes: {
          [WORKER]: 'client and echo server both inside one worker, timed there',
          [RAW]: 'server pipes the socket into itself',
          [RAW_WORKER]: 'reference: the raw net.Socket case run inside the same worker (what its event loop allows)',
        },
      }, echo));
      ctx.record?.(rows);

      const ppLabel = `ping-pong 1 byte, ${rounds / 1000}k round trips`;
      ctx.log(`  tcp: ${ppLabel}`);
      const pp = await alternate([
        { name: RAW, measure: async () => rtps(await pingPongOver(rawNet, rounds)) },
        pick(NODE, nodeRt, async (rt) => rtps(await pingPong(ends(rt), rounds))),
        pick(WORKER, wsRt, async (rt) => rtps(await rt.executor.spawn(pingPongInWorker, [rounds]))),
        pick(RAW_WORKER, wsRt, async (rt) => rtps(await rt.executor.spawn(rawPingPongInWorker, [rounds]))),
        { name: LEAN, measure: async () => rtps(await promisePingPong(rounds)) },
      ], { rounds: reps, warmup: 1, log: ctx.log, label: ppLabel });
      rows.push(...toRows({
        bench: 'tcp', case: ppLabel, unit: 'round trips/s', better: 'higher', baseline: RAW,
        targets: [atLeast(NODE, 0.9, RAW, 'higher'), atLeast(WORKER, 0.9, RAW, 'higher')],
        notes: {
          [WORKER]: 'client and echo server both inside one worker, timed there',
          [RAW_WORKER]: 'reference: the raw net.Socket case run inside the same worker (what its event loop allows)',
          [LEAN]: 'reference: the leanest promise-based read/write loop on raw sockets, both ends (what the awaits alone cost)',
        },
      }, pp));
    } finally {
      await closeRuntime(node, ctx.log);
      await closeRuntime(ws, ctx.log);
    }
    return rows;
  },
};

export default bench;
