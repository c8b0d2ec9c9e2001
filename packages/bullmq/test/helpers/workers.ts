// Starts runtime-traits-worker processes for a test and stops (or kills) them.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/src/worker/cli.js, from dist/test/helpers. */
export const CLI = path.resolve(here, '../../src/worker/cli.js');
/** The compiled fixtures folder, which the test workers allow. */
export const FIXTURES = path.resolve(here, '../fixtures');

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** SIGTERM, then resolves with the exit code once the process has exited by itself. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export interface WorkerFlags {
  redis: string;
  queue: string;
  concurrency?: number;
  threads?: number;
  allow?: string[];
  progress?: number;
  lockDuration?: number;
  stalledInterval?: number;
}

export async function startWorker(flags: WorkerFlags): Promise<WorkerProcess> {
  const args = [CLI, '--redis', flags.redis, '--queue', flags.queue, '--concurrency', String(flags.concurrency ?? 4)];
  for (const dir of flags.allow ?? [FIXTURES]) args.push('--allow', dir);
  if (flags.threads) args.push('--threads', String(flags.threads));
  if (flags.progress) args.push('--progress', String(flags.progress));
  if (flags.lockDuration) args.push('--lock-duration', String(flags.lockDuration));
  if (flags.stalledInterval) args.push('--stalled-interval', String(flags.stalledInterval));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.includes(': ready on queue')) resolve();
      }
    });
    void exited.then((code) => reject(new Error(`worker exited with ${code} before it was ready: ${err}`)));
  });
  return {
    pid: child.pid!,
    child,
    lines,
    stderr: () => err,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
