// kv: requests/s of the real redis-benchmark against examples/kv-server, next to a real
// redis-server as the reference. Each server is its own process; redis-benchmark runs one test
// (-t set or -t get) per sample with 50 clients: without pipelining (its defaults) against the
// kv-server on each runtime, and with 16 commands in flight per client (-P 16, issue 20's case:
// target >= 0.5x redis-server) against the kv-server on the node runtime and the kv-server shard-per-core
// (`--runtime worksteal --shards`: a shard of the keys per worker thread, every worker listening with
// net.reusePort; issue 18's case: target >= 1.5x the single-threaded kv-server). In the pipelined cases
// both kv-servers run on the same Node binary: this one if it has net.reusePort, else the first of
// .cache/engines/node-{24,26,22} that has it (as .ci/run installs them).
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { freePort } from '@runtime-traits/test-servers';
import { fileURLToPath } from 'node:url';
import { alternate } from '../harness/alternate.js';
import type { Contender } from '../harness/alternate.js';
import { atLeast, toRows } from '../harness/rows.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';
import { pickNode } from './http.js';

const KV_MAIN = fileURLToPath(new URL('../../../../examples/kv-server/dist/src/main.js', import.meta.url));
const REDIS = 'redis-server';

function which(tool: string): string | undefined {
  return ['/usr/bin', '/usr/local/bin'].map((dir) => `${dir}/${tool}`).find((path) => existsSync(path));
}


interface Server {
  port: number;
  /** CPU time the server process has used so far (ms), from /proc (undefined where there is none). */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/**
 * user + system CPU ms of process `pid` so far — or, from field `at` = 13, of its children that have
 * ended — from /proc/<pid>/stat (in clock ticks of 10 ms: Linux's USER_HZ).
 */
function processCpuMs(pid: number | 'self' | undefined, at = 11): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[at]) + Number(fields[at + 1])) * 10;
  } catch {
    return undefined;
  }
}

/** Starts a server process and resolves once its output says it accepts connections. */
function startProcess(command: string, args: string[], ready: RegExp, port?: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const onData = (text: string) => {
      output += text;
      const match = ready.exec(output);
      if (!match) return;
      child.stdout!.off('data', onData);
      resolve({
        port: port ?? Number(match[1]),
        cpuMs: () => processCpuMs(child.pid),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', (text: string) => { output += text; });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`${command} exited before it was ready: ${output.trim().split('\n').at(-1) ?? ''}`)));
  });
}

function startKv(runtime: string, node = process.execPath, extra: string[] = []): Promise<Server> {
  return startProcess(node, [KV_MAIN, '--runtime', runtime, '--port', '0', ...extra], /listening on 127\.0\.0\.1:(\d+)/);
}

async function startRedis(): Promise<Server> {
  const port = await freePort();
  return startProcess(which(REDIS)!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    /Ready to accept connections/, port);
}

/** One redis-benchmark run: its requests/s, and the cores it and the server used meanwhile (CPU time / wall time). */
interface BenchmarkRun { rps: number; clientCores: number | undefined; serverCores: number | undefined }

/** CPU ms of this process's children that have ended and been waited for, from /proc/self/stat (cutime + cstime). */
function endedChildrenCpuMs(): number | undefined {
  return processCpuMs('self', 13);
}

/**
 * One redis-benchmark run of one test (`pipeline` commands in flight per client), and the cores it and
 * the server used meanwhile: on a machine with few cores the load generator's own share bounds what
 * any server can reach. redis-benchmark is the only child of this process that ends during a run, so
 * the growth of the ended children's CPU time is its own.
 */
function redisBenchmark(server: Server, test: 'set' | 'get', requests: number, pipeline: number): Promise<BenchmarkRun> {
  return new Promise((resolve, reject) => {
    const args = ['-p', String(server.port), '-q', '-c', '50', '-n', String(requests), '-P', String(pipeline), '-t', test];
    const serverBefore = server.cpuMs();
    const childrenBefore = endedChildrenCpuMs();
    const t0 = performance.now();
    execFile(which('redis-benchmark')!, args, { timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`redis-benchmark failed: ${error.message}`));
        const wallMs = performance.now() - t0;
        const match = /([\d.]+) requests per second/.exec(stdout.split('\r').at(-1) ?? stdout);
        if (!match || /error/i.test(stdout + stderr)) return reject(new Error(`redis-benchmark: ${(stdout + stderr).trim().slice(-200)}`));
        const childrenAfter = endedChildrenCpuMs();
        const serverAfter = server.cpuMs();
        const cores = (before: number | undefined, after: number | undefined): number | undefined =>
          (before === undefined || after === undefined ? undefined : (after - before) / wallMs);
        resolve({ rps: Number(match[1]), clientCores: cores(childrenBefore, childrenAfter), serverCores: cores(serverBefore, serverAfter) });
      });
  });
}

const KV_NODE = 'kv-server on node';
const KV_SHARDS = 'kv-server shard-per-core (worksteal --shards, 2 workers)';

/** One case: each contender its own server process, alternated round by round. */
interface KvCase {
  test: 'set' | 'get';
  requests: number;
  pipeline: number;
  contenders: ReadonlyArray<[string, () => Promise<Server>]>;
}

const bench: Benchmark = {
  name: 'kv',
  description: 'redis-benchmark requests/s against examples/kv-server (each runtime; pipelined on node), with a real redis-server as the reference',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rounds = ctx.quick ? 1 : 5;
    const noBenchmark = which('redis-benchmark') ? undefined : 'redis-benchmark is not installed';
    const noKv = existsSync(KV_MAIN) ? undefined : 'examples/kv-server is not built (npm run build)';
    const noRedis = which(REDIS) ? undefined : 'redis-server is not installed';
    const rows: BenchRow[] = [];
    const everyRuntime: KvCase['contenders'] = [
      [REDIS, startRedis],
      [KV_NODE, () => startKv('node')],
      ['kv-server on local (NodeReactor)', () => startKv('local')],
      ['kv-server on worksteal (main thread)', () => startKv('worksteal')],
    ];
    const cases: KvCase[] = [];
    for (const test of ['set', 'get'] as const) cases.push({ test, requests: ctx.quick ? 5_000 : 20_000, pipeline: 1, contenders: everyRuntime });
    // Pipelined, redis-server answers ~1M requests/s here: enough requests that a sample lasts a second or more.
    // Pipelined: both kv-servers on one Node binary, one with net.reusePort if there is one here.
    const node = pickNode() ?? process.execPath;
    for (const test of ['set', 'get'] as const) {
      cases.push({ test, requests: ctx.quick ? 50_000 : 1_000_000, pipeline: 16, contenders: [
        [REDIS, startRedis],
        [KV_NODE, () => startKv('node', node)],
        [KV_SHARDS, () => startKv('worksteal', node, ['--shards', '--workers', '2'])],
      ] });
    }

    for (const { test, requests, pipeline, contenders } of cases) {
      const label = `${test.toUpperCase()}, 50 clients${pipeline > 1 ? `, pipeline ${pipeline} (-P ${pipeline})` : ''}, ${requests / 1000}k requests`;
      ctx.log(`  kv: ${label}`);
      const cores = { client: new Map<string, number[]>(), server: new Map<string, number[]>() };
      const outcomes = await alternate(contenders.map(([name, start]): Contender => {
        let server: Server | undefined;
        cores.client.set(name, []);
        cores.server.set(name, []);
        return {
          name,
          unavailable: noBenchmark ?? (name === REDIS ? noRedis : noKv),
          setup: async () => { server = await start(); },
          measure: async () => {
            const run = await redisBenchmark(server!, test, requests, pipeline);
            if (run.clientCores !== undefined) cores.client.get(name)!.push(run.clientCores);
            if (run.serverCores !== undefined) cores.server.get(name)!.push(run.serverCores);
            return run.rps;
          },
          teardown: async () => { await server?.stop(); },
        };
      }), { rounds, warmup: 1, log: ctx.log, label });
      for (const samples of [...cores.client.values(), ...cores.server.values()]) samples.shift(); // (the warm-up's)
      rows.push(...toRows({
        bench: 'kv', case: label, unit: 'requests/s', better: 'higher', baseline: REDIS,
        targets: pipeline > 1 ? [
          atLeast(KV_NODE, 0.5, REDIS, 'higher', '>= 0.5x redis-server (issue 20)'),
          atLeast(KV_SHARDS, 1.5, KV_NODE, 'higher', '>= 1.5x the single-threaded kv-server (issue 18)'),
        ] : [],
        notes: {
          [REDIS]: 'reference: redis-server with --save "" --appendonly no',
          'kv-server on worksteal (main thread)': "the server runs on the main thread's reactor; workers idle",
          [KV_SHARDS]: `keys hashed to 2 worker shards, a command for another shard forwarded with spawnOn; ${node === process.execPath ? 'this Node' : node.replace(/.*engines\/([^/]+)\/.*/, '$1')}${pickNode() ? ', every worker listening (reusePort)' : ', worker 0 listening alone'}`,
        },
      }, outcomes));
      if (pipeline > 1) {
        for (const [side, what] of [['server', 'the server process'], ['client', 'redis-benchmark']] as const) {
          rows.push(...toRows({
            bench: 'kv', case: `${label}: CPU cores used by ${what}`, unit: 'cores', better: 'lower',
            notes: side === 'client' ? { [REDIS]: 'CPU time / wall time of the load generator in the same samples: on 2 cores, what it takes no server can have' } : {},
          }, new Map([...cores[side]].filter(([, samples]) => samples.length > 0).map(([name, samples]) => [name, { samples }]))));
        }
      }
      ctx.record?.(rows);
    }
    return rows;
  },
};

export default bench;
