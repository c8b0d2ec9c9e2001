// A throwaway redis-server on a free loopback port, without persistence, stopped (or restarted empty) by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export interface TestRedis {
  host: string;
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Stops the server and starts a fresh one (empty) on the same port. */
  restart(): Promise<void>;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise<ChildProcess>((resolve, reject) => {
    let out = '';
    const onExit = (code: number | null): void => reject(new Error(`redis-server exited with ${code}: ${out}`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.off('exit', onExit);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve(child);
      }
    });
  });
}

function halt(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child = await launch(port);
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => halt(child),
    restart: async () => {
      await halt(child);
      child = await launch(port);
    },
  };
}
