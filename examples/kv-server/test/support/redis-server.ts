// A real redis-server on 127.0.0.1 and a free port, as the reference for differential tests.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '@runtime-traits/test-servers';
import { startInProcess } from './in-process.js';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));


/** Starts redis-server with no persistence and one database (as the kv-server has); resolves once it accepts. */
export async function startRedis(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--databases', '1', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      if (/Ready to accept connections/.test(output)) resolve();
    });
    void exited.then(() => reject(new Error(`redis-server exited: ${output.slice(-300)}`)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A real redis-server and an in-process kv-server (node runtime) side by side, for differential tests. */
export async function startPair(): Promise<{ redis: { port: number }; kv: { port: number }; stop(): Promise<void> }> {
  const redis = await startRedis();
  const kv = await startInProcess('node').catch(async (error: unknown) => { await redis.stop(); throw error; });
  return { redis, kv, async stop() { await kv.stop(); await redis.stop(); } };
}
