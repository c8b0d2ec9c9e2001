// compat: node-compat's NodeSocket/NodeServer (over the node runtime's Net) vs node:net itself — echo MB/s, 1-byte
// ping-pong — and undici through createConnection vs undici's own connector, keep-alive requests/s.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Client } from 'undici';
import type { Runtime } from '@runtime-traits/core';
import { createConnection, createServer } from '@runtime-traits/node-compat';
import { runtimeConnect } from '@runtime-traits-examples/node-compat/undici';
import { alternate } from '../harness/alternate.js';
import { atLeast, toRows } from '../harness/rows.js';
import { closeRuntime, openRuntime } from '../harness/runtimes.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';
import { echoOver, leanDuplexNet, pingPongOver, rawNet as raw, type NetLike } from '../work/net-like.js';

const RAW = 'raw net.Socket';
const COMPAT = 'NodeSocket (node runtime)';
const LEAN = 'leanest Duplex over net.Socket';
const UNDICI_RAW = "undici's own connector";
const UNDICI_COMPAT = 'undici over createConnection';

const LEAN_NOTE = 'reference, not a contender: a bare Duplex (push as chunks come, write straight through) over net.Socket at both ends, what any stream layered on node:net costs';

function compat(rt: Runtime): NetLike {
  return {
    createServer: (onConnection) => createServer(rt.reactor, onConnection as (socket: Duplex) => void),
    connect: (port, host) => createConnection(rt.reactor, { port, host, noDelay: true }),
  };
}

/** `requests` sequential GETs on one kept-alive connection; returns the ms they took. */
async function undiciRequests(origin: string, requests: number, connect?: ReturnType<typeof runtimeConnect>): Promise<number> {
  const client = new Client(origin, connect ? { connect } : {});
  await (await client.request({ path: '/', method: 'GET' })).body.text(); // the connection is open before timing
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) {
    const body = await (await client.request({ path: '/', method: 'GET' })).body.text();
    if (body !== 'ok') throw new Error(`request ${i}: got ${JSON.stringify(body)}`);
  }
  const ms = performance.now() - t0;
  await client.close();
  return ms;
}

const bench: Benchmark = {
  name: 'compat',
  description: "node-compat's NodeSocket vs node:net (echo, ping-pong) and undici over createConnection vs its own connector",
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const total = (ctx.quick ? 8 : 512) * 1024 * 1024; // (samples of about a second: shorter ones swing by a third on a shared machine)
    const chunk = 64 * 1024;
    const rounds = ctx.quick ? 1_000 : 80_000;
    const requests = ctx.quick ? 500 : 5_000;
    const reps = ctx.quick ? 1 : 11;
    const rows: BenchRow[] = [];
    let node: Runtime | string = 'not opened';
    const server = http.createServer((_req, res) => res.end('ok'));
    try {
      node = await openRuntime('node');
      if (typeof node === 'string') throw new Error(`the node runtime is not available: ${node}`);
      const rt = node;
      const api = compat(rt);

      const echoLabel = `echo ${total / (1024 * 1024)} MiB in 64 KiB writes`;
      ctx.log(`  compat: ${echoLabel}`);
      const mbps = (ms: number): number => total / (1024 * 1024) / (ms / 1000);
      const echo = await alternate([
        { name: RAW, measure: async () => mbps(await echoOver(raw, total, chunk)) },
        { name: COMPAT, measure: async () => mbps(await echoOver(api, total, chunk)) },
        { name: LEAN, measure: async () => mbps(await echoOver(leanDuplexNet, total, chunk)) },
      ], { rounds: reps, warmup: 1, log: ctx.log, label: echoLabel });
      rows.push(...toRows({
        bench: 'compat', case: echoLabel, unit: 'MB/s', better: 'higher', baseline: RAW,
        targets: [atLeast(COMPAT, 0.95, RAW, 'higher')],
        notes: { [COMPAT]: 'NodeSocket client and NodeServer echo (s.pipe(s)), the same code as the raw row', [LEAN]: LEAN_NOTE },
      }, echo));
      ctx.record?.(rows);

      const ppLabel = `ping-pong 1 byte, ${rounds / 1000}k round trips`;
      ctx.log(`  compat: ${ppLabel}`);
      const rtps = (ms: number): number => rounds / (ms / 1000);
      const pp = await alternate([
        { name: RAW, measure: async () => rtps(await pingPongOver(raw, rounds)) },
        { name: COMPAT, measure: async () => rtps(await pingPongOver(api, rounds)) },
        { name: LEAN, measure: async () => rtps(await pingPongOver(leanDuplexNet, rounds)) },
      ], { rounds: reps, warmup: 1, log: ctx.log, label: ppLabel });
      rows.push(...toRows({
        bench: 'compat', case: ppLabel, unit: 'round trips/s', better: 'higher', baseline: RAW,
        targets: [atLeast(COMPAT, 0.9, RAW, 'higher')],
        notes: { [LEAN]: LEAN_NOTE },
      }, pp));
      ctx.record?.(rows);

      server.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const uLabel = `undici keep-alive, ${requests / 1000}k sequential GETs on one connection`;
      ctx.log(`  compat: ${uLabel}`);
      const rps = (ms: number): number => requests / (ms / 1000);
      const undici = await alternate([
        { name: UNDICI_RAW, measure: async () => rps(await undiciRequests(origin, requests)) },
        { name: UNDICI_COMPAT, measure: async () => rps(await undiciRequests(origin, requests, runtimeConnect(rt.reactor))) },
      ], { rounds: reps, warmup: 1, log: ctx.log, label: uLabel });
      rows.push(...toRows({
        bench: 'compat', case: uLabel, unit: 'requests/s', better: 'higher', baseline: UNDICI_RAW,
        targets: [atLeast(UNDICI_COMPAT, 0.9, UNDICI_RAW, 'higher')],
        notes: { [UNDICI_COMPAT]: 'the server is node:http on node:net for both rows; only the client transport differs' },
      }, undici));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await closeRuntime(node, ctx.log);
    }
    return rows;
  },
};

export default bench;
