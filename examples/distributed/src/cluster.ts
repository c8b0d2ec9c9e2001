// A throwaway "cluster" on this machine: a redis-server (unless one is given) and N runtime-traits-worker processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

/** runtime-traits-worker's entry point, found next to the installed @runtime-traits/bullmq. */
const WORKER_CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('@runtime-traits/bullmq')), 'worker', 'cli.js');

export interface Cluster {
  redis: string;
  workers: ChildProcess[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves once `child` printed a line containing `marker` on stdout (rejects if it exits first). */
function ready(child: ChildProcess, marker: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(marker)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready: ${err || out}`)));
  });
}

export async function startCluster(opts: { redis?: string; queue: string; workers: number; threads: number; allow: string[] }): Promise<Cluster> {
  let redisServer: ChildProcess | undefined;
  let redis = opts.redis;
  if (!redis) {
    const port = await freePort();
    redisServer = spawn('redis-server', ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    await ready(redisServer, 'Ready to accept connections', 'redis-server');
    redisServer.stdout!.resume();
    redis = `redis://127.0.0.1:${port}`;
  }
  const workers = Array.from({ length: opts.workers }, () => {
    const args = [WORKER_CLI, '--redis', redis!, '--queue', opts.queue, '--concurrency', '2', '--threads', String(opts.threads)];
    for (const dir of opts.allow) args.push('--allow', dir);
    return spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  });
  const stop = async (): Promise<void> => {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));
    if (redisServer) {
      redisServer.kill('SIGTERM');
      await exited(redisServer);
    }
  };
  try {
    await Promise.all(workers.map((w, i) => ready(w, ': ready on queue', `worker ${i + 1}`)));
  } catch (error) {
    // A worker that cannot start (a bad --threads, an unreachable --redis) must not leave the other
    // worker and the redis-server started for it running after this program has gone.
    await stop();
    throw error;
  }
  for (const w of workers) w.stdout!.resume();
  return { redis, workers, stop };
}
