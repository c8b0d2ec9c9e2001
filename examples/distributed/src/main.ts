// The distributed app: the parallel example's Mandelbrot, cut into stripes sent through BullMQ to two worker
// processes, each rendering its stripes by fork-join on its own threads. Prints per-worker counts and the time.
//
//   node examples/distributed/dist/src/main.js [--size 1200x800] [--iter 2000] [--stripes 16] [--threads 2] [--redis redis://HOST:PORT]
//
// Without --redis it starts a throwaway redis-server (persistence off) on a free loopback port.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BullMQRuntime } from '@runtime-traits/bullmq';
import { checksum, classicFrame, renderRows } from '@runtime-traits-examples/parallel/dist/src/lib/mandelbrot.js';
import { startCluster, type Cluster } from './cluster.js';
import { renderStripe } from './stripe.js';

function option(flag: string, fallback: string): string {
  const at = process.argv.indexOf(flag);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

/** A usage error names its flag and exits 2 here, before a redis-server or a worker is started. */
function usage(message: string): never {
  console.error(`distributed: ${message}`);
  process.exit(2);
}

function count(flag: string, fallback: string, max = Number.MAX_SAFE_INTEGER): number {
  const text = option(flag, fallback);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max) usage(`${flag} must be an integer from 1 to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

const size = /^(\d+)x(\d+)$/.exec(option('--size', '1200x800'));
if (!size || Number(size[1]) < 1 || Number(size[2]) < 1) usage(`--size must be WIDTHxHEIGHT (e.g. 1200x800), got ${JSON.stringify(option('--size', ''))}`);
const [width, height] = [Number(size[1]), Number(size[2])];
const maxIter = count('--iter', '2000', 65535); // pixels are Uint16
const stripes = count('--stripes', '16', height); // a stripe is at least one row
const threads = count('--threads', '2', 256);
const grain = count('--grain', '8');
const queue = `mandelbrot-${process.pid}`;

// Workers may import task modules from this example's compiled folder only.
const here = path.dirname(fileURLToPath(import.meta.url));
const starting = startCluster({ redis: option('--redis', process.env.REDIS_URL ?? ''), queue, workers: 2, threads, allow: [here] });
// Ctrl-C or a SIGTERM mid-run must not leave the throwaway redis-server and the workers behind: they
// are this program's children, and Node's default on a signal is to die without a word to them. A
// signal during start-up waits for it (a failed start has already stopped what it started).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the workers and redis-server`);
    void starting.then((started) => started.stop(), () => {}).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}
let cluster: Cluster;
try {
  cluster = await starting;
} catch (error) {
  console.error(`distributed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const runtime = await BullMQRuntime.create({ connection: cluster.redis, queue });
try {
  const frame = classicFrame(width, height, maxIter);
  const started = performance.now();
  const bounds = Array.from({ length: stripes }, (_, i) => [Math.floor((i * height) / stripes), Math.floor(((i + 1) * height) / stripes)] as const);
  const parts = await Promise.all(bounds.map(([from, to]) => runtime.executor.spawn(renderStripe, [frame, from, to, grain])));
  const distributedMs = performance.now() - started;

  const pixels = new Uint16Array(width * height);
  const perWorker = new Map<number, number>();
  parts.forEach((part, i) => {
    pixels.set(part.pixels, bounds[i]![0] * width);
    perWorker.set(part.pid, (perWorker.get(part.pid) ?? 0) + 1);
  });
  const same = checksum(pixels) === checksum(renderRows(frame, 0, height));

  console.log(`Mandelbrot ${width}x${height}, ${maxIter} iterations max, ${stripes} stripes over ${cluster.workers.length} workers (--threads ${threads})`);
  for (const worker of cluster.workers) {
    console.log(`  worker ${worker.pid}: ${String(perWorker.get(worker.pid!) ?? 0).padStart(3)} stripes`);
  }
  console.log(`  total time                ${distributedMs.toFixed(0).padStart(6)} ms`);
  console.log(`  same pixels as sequential ${same ? '   yes' : '    NO'}`);
  if (!same) process.exitCode = 1;
} finally {
  await runtime.shutdown();
  await cluster.stop();
}
