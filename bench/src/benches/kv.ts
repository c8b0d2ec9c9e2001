// kv: requests/s of the real redis-benchmark against examples/kv-server on each runtime, next to a
// real redis-server as the reference. Each server is its own process; redis-benchmark runs one
// test (-t set or -t get) per sample, 50 clients, no pipelining — its defaults.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { alternate } from '../harness/alternate.js';
import type { Contender } from '../harness/alternate.js';
import { toRows } from '../harness/rows.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';

const KV_MAIN = fileURLToPath(new URL('../../../../examples/kv-server/dist/src/main.js', import.meta.url));
const REDIS = 'redis-server';

function which(tool: string): string | undefined {
  return ['/usr/bin', '/usr/local/bin'].map((dir) => `${dir}/${tool}`).find((path) => existsSync(path));
}

/** A port nobody listens on right now (redis-server cannot be told to pick one and print it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Server { port: number; stop(): Promise<void> }

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

function startKv(runtime: string): Promise<Server> {
  return startProcess(process.execPath, [KV_MAIN, '--runtime', runtime, '--port', '0'], /listening on 127\.0\.0\.1:(\d+)/);
}

async function startRedis(): Promise<Server> {
  const port = await freePort();
  return startProcess(which(REDIS)!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    /Ready to accept connections/, port);
}

/** One redis-benchmark run of one test; its requests/s. */
function redisBenchmark(port: number, test: 'set' | 'get', requests: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(which('redis-benchmark')!, ['-p', String(port), '-q', '-n', String(requests), '-t', test], { timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`redis-benchmark failed: ${error.message}`));
        const match = /([\d.]+) requests per second/.exec(stdout.split('\r').at(-1) ?? stdout);
        if (!match || /error/i.test(stdout + stderr)) return reject(new Error(`redis-benchmark: ${(stdout + stderr).trim().slice(-200)}`));
        resolve(Number(match[1]));
      });
  });
}

const bench: Benchmark = {
  name: 'kv',
  description: 'redis-benchmark requests/s against examples/kv-server on each runtime, with a real redis-server as the reference',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const requests = ctx.quick ? 5_000 : 20_000;
    const rounds = ctx.quick ? 1 : 5;
    const noBenchmark = which('redis-benchmark') ? undefined : 'redis-benchmark is not installed';
    const noKv = existsSync(KV_MAIN) ? undefined : 'examples/kv-server is not built (npm run build)';
    const rows: BenchRow[] = [];

    for (const test of ['set', 'get'] as const) {
      const label = `${test.toUpperCase()}, 50 clients, ${requests / 1000}k requests`;
      ctx.log(`  kv: ${label}`);
      const contender = (name: string, start: () => Promise<Server>, missing?: string): Contender => {
        let server: Server | undefined;
        return {
          name,
          unavailable: noBenchmark ?? missing,
          setup: async () => { server = await start(); },
          measure: () => redisBenchmark(server!.port, test, requests),
          teardown: async () => { await server?.stop(); },
        };
      };
      const outcomes = await alternate([
        contender(REDIS, startRedis, which(REDIS) ? undefined : 'redis-server is not installed'),
        contender('kv-server on node', () => startKv('node'), noKv),
        contender('kv-server on local (NodeReactor)', () => startKv('local'), noKv),
        contender('kv-server on worksteal (main thread)', () => startKv('worksteal'), noKv),
      ], { rounds, warmup: 1, log: ctx.log, label });
      rows.push(...toRows({
        bench: 'kv', case: label, unit: 'requests/s', better: 'higher', baseline: REDIS,
        notes: {
          [REDIS]: 'reference: redis-server with --save "" --appendonly no',
          'kv-server on worksteal (main thread)': "the server runs on the main thread's reactor; workers idle",
        },
      }, outcomes));
    }
    return rows;
  },
};

export default bench;
