#!/usr/bin/env node
// runtime-traits-worker: runs a queue's tasks on this machine until SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import type { Runtime } from '@runtime-traits/core';
import { BullMQWorker } from './task-worker.js';

const USAGE = `usage: runtime-traits-worker --redis redis://HOST:PORT --queue NAME --concurrency N [--threads N]
                             --allow DIR [--allow DIR...] [--progress N] [--prefix P]
                             [--lock-duration MS] [--stalled-interval MS]

  --redis             Redis URL
  --queue             BullMQ queue the producers send to (BullMQRuntime's opts.queue)
  --concurrency       jobs run at once
  --threads           run tasks on the work-stealing runtime with N threads (default: Node's event loop)
  --allow             a directory whose modules jobs may name (repeatable; required)
  --progress          print a line every N finished jobs
  --lock-duration     ms without a heartbeat before a job is presumed lost (default 30000)
  --stalled-interval  ms between checks for lost jobs (default 30000)

SIGTERM/SIGINT: stop taking jobs, finish the running ones, exit. A second signal exits at once;
its jobs go back to the queue when their locks expire.`;

function fail(message: string): never {
  process.stderr.write(`runtime-traits-worker: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function count(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) fail(`${flag} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  return value;
}

async function localRuntime(threads: number | undefined): Promise<Runtime> {
  if (threads === undefined) {
    const { NodeRuntime } = await import('@runtime-traits/node');
    return NodeRuntime.create();
  }
  const { WorkStealingRuntime } = await import('@runtime-traits/worksteal');
  return WorkStealingRuntime.create({ workers: threads });
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        redis: { type: 'string' },
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        threads: { type: 'string' },
        allow: { type: 'string', multiple: true },
        progress: { type: 'string' },
        prefix: { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.redis || !/^rediss?:\/\//.test(values.redis)) fail('--redis redis://HOST:PORT is required');
  if (!values.queue) fail('--queue NAME is required');
  if (!values.allow || values.allow.length === 0) fail('at least one --allow DIR is required: jobs may only name modules under it');
  const concurrency = count(values.concurrency ?? '1', '--concurrency', 1)!;
  const threads = count(values.threads, '--threads', 1);
  const local = await localRuntime(threads);
  let worker: BullMQWorker;
  try {
    worker = await BullMQWorker.start({
      redis: values.redis,
      queue: values.queue,
      prefix: values.prefix,
      concurrency,
      local,
      allow: values.allow,
      progressEvery: count(values.progress, '--progress', 1),
      lockDuration: count(values['lock-duration'], '--lock-duration', 1),
      stalledInterval: count(values['stalled-interval'], '--stalled-interval', 1),
    });
  } catch (error) {
    await local.shutdown().catch(() => undefined);
    fail((error as Error).message);
  }
  let signals = 0;
  const stop = (signal: string): void => {
    if (++signals > 1) process.exit(1);
    process.stderr.write(`runtime-traits-worker ${process.pid}: ${signal}, finishing running jobs\n`);
    worker.close().then(() => {
      process.stderr.write(`runtime-traits-worker ${process.pid}: stopped after ${worker.done + worker.failed} jobs\n`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    }, (error: unknown) => {
      process.stderr.write(`runtime-traits-worker ${process.pid}: ${String(error)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`runtime-traits-worker ${process.pid}: ready on queue ${values.queue} (concurrency ${concurrency}${threads ? `, ${threads} threads` : ''})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`runtime-traits-worker: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
