// node-apis: withNodeApis — unmodified undici + node:http between two simulated hosts (requests/s, wall and CPU), and what
// the scope costs plain Node code on the node runtime (an undici keep-alive loop with and without it, alternated).
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import type net from 'node:net';
import { Client, request } from 'undici';
import type { Runtime } from '@runtime-traits/core';
import { Simulation } from '@runtime-traits/local';
import { withNodeApis } from '@runtime-traits/node-compat';
import { alternate } from '../harness/alternate.js';
import { atLeast, reaches, toRows } from '../harness/rows.js';
import { closeRuntime, openRuntime } from '../harness/runtimes.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';

const PLAIN = 'plain Node';
const SCOPED = 'inside withNodeApis (node runtime)';
const ALS_ONLY = 'inside AsyncLocalStorage.run only (the floor)';
const CONCURRENCY = [1, 16, 64] as const;
/** Real milliseconds (taken before any scope could patch performance.now). */
const realNow = performance.now.bind(performance);
const label = (c: number): string => (c === 1 ? 'one request at a time' : `${c} requests in flight`);

/** `requests` GETs from host 'client' to an http server on host 'server' with `inFlight` at a time: [wall ms, CPU ms]. */
async function simulatedRequests(requests: number, inFlight: number): Promise<[number, number]> {
  const sim = new Simulation({ seed: 1, keepTrace: false });
  try {
    const server = sim.host('server');
    const client = sim.host('client');
    void withNodeApis(server, () => http.createServer((_req, res) => res.end('ok')).listen(80));
    return await withNodeApis(client, () => client.run(async () => {
      const get = async (): Promise<void> => {
        const body = await (await request('http://server/')).body.text();
        if (body !== 'ok') throw new Error(`got ${JSON.stringify(body)}`);
      };
      for (let i = 0; i < 50; i++) await get(); // connections open, code warm
      const t0 = realNow(); // (performance.now() itself is virtual in here)
      const cpu0 = process.cpuUsage();
      let started = 0;
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (started < requests) {
          started++;
          await get();
        }
      }));
      const cpu = process.cpuUsage(cpu0);
      return [realNow() - t0, (cpu.user + cpu.system) / 1000] as [number, number];
    }));
  } finally {
    await sim.shutdown();
  }
}

/** `requests` sequential GETs on one kept-alive undici Client; returns the ms they took. */
async function keepAliveLoop(origin: string, requests: number): Promise<number> {
  const client = new Client(origin);
  try {
    await (await client.request({ path: '/', method: 'GET' })).body.text();
    const t0 = realNow();
    for (let i = 0; i < requests; i++) {
      const body = await (await client.request({ path: '/', method: 'GET' })).body.text();
      if (body !== 'ok') throw new Error(`request ${i}: got ${JSON.stringify(body)}`);
    }
    return realNow() - t0;
  } finally {
    await client.close();
  }
}

const bench: Benchmark = {
  name: 'node-apis',
  description: 'withNodeApis: unmodified undici + http between two simulated hosts, and its cost to plain Node code on the node runtime',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const simRequests = ctx.quick ? 300 : 4_000;
    const loopRequests = ctx.quick ? 500 : 20_000; // (samples of about a second: shorter ones swing by a third on a shared machine)
    const reps = ctx.quick ? 1 : 7;
    const rows: BenchRow[] = [];

    const simLabel = `simulated HTTP, undici + node:http on two hosts, ${simRequests / 1000}k GETs`;
    ctx.log(`  node-apis: ${simLabel}`);
    const cpuSamples = new Map<string, number[]>();
    const sims = await alternate(CONCURRENCY.map((c) => ({
      name: label(c),
      measure: async () => {
        const [wallMs, cpuMs] = await simulatedRequests(simRequests, c);
        (cpuSamples.get(label(c)) ?? cpuSamples.set(label(c), []).get(label(c))!).push(simRequests / (cpuMs / 1000));
        return simRequests / (wallMs / 1000);
      },
    })), { rounds: reps, warmup: 1, log: ctx.log, label: simLabel });
    for (const samples of cpuSamples.values()) samples.shift(); // (the warm-up round's)
    rows.push(...toRows({
      bench: 'node-apis', case: `${simLabel} (per wall-second)`, unit: 'requests/s', better: 'higher',
      targets: CONCURRENCY.map((c) => reaches(label(c), 5_000, 'higher', '>= 5k/s on one core')),
    }, sims));
    rows.push(...toRows({
      bench: 'node-apis', case: `${simLabel} (per CPU-second)`, unit: 'requests/s', better: 'higher',
      notes: Object.fromEntries(CONCURRENCY.map((c) => [label(c), 'process CPU time (user + system) of the same runs: steadier than wall time on a shared machine'])),
    }, new Map([...cpuSamples].map(([name, samples]) => [name, { samples }]))));
    ctx.record?.(rows);

    let node: Runtime | string = 'not opened';
    const server = http.createServer((_req, res) => res.end('ok'));
    try {
      node = await openRuntime('node');
      if (typeof node === 'string') throw new Error(`the node runtime is not available: ${node}`);
      const rt = node;
      server.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const loopLabel = `undici keep-alive, ${loopRequests / 1000}k sequential GETs on one connection`;
      ctx.log(`  node-apis: ${loopLabel}`);
      const rps = (ms: number): number => loopRequests / (ms / 1000);
      const storage = new AsyncLocalStorage<object>();
      const loop = await alternate([
        { name: PLAIN, measure: async () => rps(await keepAliveLoop(origin, loopRequests)) },
        {
          name: ALS_ONLY,
          measure: async () => {
            try {
              return rps(await storage.run({}, () => keepAliveLoop(origin, loopRequests)));
            } finally {
              storage.disable(); // (as the scope's storage is disabled once no scope is left)
            }
          },
        },
        { name: SCOPED, measure: async () => rps(await withNodeApis(rt, () => keepAliveLoop(origin, loopRequests))) },
      ], { rounds: reps, warmup: 1, log: ctx.log, label: loopLabel });
      rows.push(...toRows({
        bench: 'node-apis', case: loopLabel, unit: 'requests/s', better: 'higher', baseline: PLAIN,
        targets: [atLeast(SCOPED, 0.9, PLAIN, 'higher', '<= 10% slower than plain Node')],
        notes: {
          [ALS_ONLY]: 'the same loop inside a bare AsyncLocalStorage.run: what carrying any async context costs this engine (on Node 20 its async hooks see every promise; Node 24 carries it in the frame)',
          [SCOPED]: 'the same loop; in the scope undici\'s socket is node:net\'s own, adopted by the node runtime\'s Net (NATIVE_NET), its timers the scope\'s. The server is plain node:http for both' },
      }, loop));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await closeRuntime(node, ctx.log);
    }
    return rows;
  },
};

export default bench;
