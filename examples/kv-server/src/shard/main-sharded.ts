// The kv-server app's shard-per-core mode (`--runtime worksteal --shards [--workers N]`): one shard of the keyspace per worker thread.
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { startSharded, stopSharded } from './per-core.js';

/** Runs until SIGINT/SIGTERM, then stops every shard and shuts the runtime down (the process then exits by itself). */
export async function runSharded(host: string, port: number, workers: number | undefined): Promise<void> {
  // Connections run on each worker's event loop, not as tasks: a few task slots are plenty.
  const rt = await WorkStealingRuntime.create({ stealing: false, mainSlots: 1024, workerSlots: 1024, ...(workers === undefined ? {} : { workers }) });
  const server = await startSharded(rt, { host, port });
  console.log(`listening on ${host}:${server.port} (runtime: worksteal, shard-per-core: ${server.shards} shards, ${server.listening} listening${server.reusePort ? ' with reusePort' : ', worker 0 forwards'})`);
  // The pool's threads do not keep the process up: main holds it until a signal.
  const alive = setInterval(() => {}, 1 << 30);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  console.log(`${signal}: closing`);
  clearInterval(alive);
  try {
    await stopSharded(rt);
  } finally {
    await rt.shutdown();
  }
}
