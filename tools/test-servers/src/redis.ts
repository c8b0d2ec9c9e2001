// A throwaway redis-server on a free loopback port, without persistence, stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export interface TestRedis {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
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
        resolve();
      }
    });
  });
  return { host: '127.0.0.1', port, stop: () => halt(child) };
}

function halt(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
