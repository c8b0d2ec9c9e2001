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
import { startCluster } from './cluster.js';
import { renderStripe } from './stripe.js';

function option(flag: string, fallback: string): string {
  const at = process.argv.indexOf(flag);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

const [width, height] = option('--size', '1200x800').split('x').map(Number) as [number, number];
const maxIter = Number(option('--iter', '2000'));
const stripes = Number(option('--stripes', '16'));
const threads = Number(option('--threads', '2'));
const grain = Number(option('--grain', '8'));
const queue = `mandelbrot-${process.pid}`;

// Workers may import task modules from this example's compiled folder only.
const here = path.dirname(fileURLToPath(import.meta.url));
const cluster = await startCluster({ redis: option('--redis', process.env.REDIS_URL ?? ''), queue, workers: 2, threads, allow: [here] });
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
