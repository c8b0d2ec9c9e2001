// The parallel app: renders a Mandelbrot set sequentially, then by fork-join on the work-stealing runtime,
// and prints the speedup.
//
//   npm run build && node examples/parallel/dist/src/main.js [--runtime worksteal] [--size 1200x800] [--iter 2000]
import { availableParallelism, loadavg } from 'node:os';
import { Container } from 'inversify';
import { loadRuntime, runtimeModule } from '@runtime-traits/inversify';
import type { RuntimeName } from '@runtime-traits/inversify';
import { checksum, classicFrame, preview, Renderer } from './lib/index.js';

function option(flag: string, fallback: string): string {
  const at = process.argv.indexOf(flag);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

const name = option('--runtime', process.env.RUNTIME ?? 'worksteal') as RuntimeName;
const [width, height] = option('--size', '1200x800').split('x').map(Number) as [number, number];
const maxIter = Number(option('--iter', '2000'));
const grain = Number(option('--grain', '8'));

const runtime = await loadRuntime(name).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
const module = runtimeModule(runtime);
const container = new Container();
container.load(module);
container.bind(Renderer).toSelf();
const renderer = container.get(Renderer);

await runtime.run(async () => {
  // Warm both paths up so the JIT is not what gets measured.
  const small = classicFrame(120, 80, maxIter);
  renderer.sequential(small);
  await renderer.parallel(small, grain);

  const frame = classicFrame(width, height, maxIter);
  let started = performance.now();
  const expected = renderer.sequential(frame);
  const sequentialMs = performance.now() - started;

  started = performance.now();
  const pixels = await renderer.parallel(frame, grain);
  const parallelMs = performance.now() - started;

  const same = checksum(pixels) === checksum(expected);
  console.log(preview(frame, pixels, 72, 24));
  console.log();
  console.log(`Mandelbrot ${width}x${height}, ${maxIter} iterations max, bands of ${grain} rows, ${availableParallelism()} cores`);
  console.log(`  sequential (this thread)      ${sequentialMs.toFixed(0).padStart(6)} ms`);
  console.log(`  fork-join (${runtime.name.padEnd(9)} runtime) ${parallelMs.toFixed(0).padStart(6)} ms`);
  console.log(`  speedup                       ${(sequentialMs / parallelMs).toFixed(2).padStart(6)}x`);
  console.log(`  same pixels                   ${same ? '   yes' : '    NO'}`);
  const load = loadavg()[0]!;
  if (load > availableParallelism() / 2) {
    console.log(`  (load average ${load.toFixed(1)} on ${availableParallelism()} cores: other work shares them, so the speedup is lower than on an idle machine)`);
  }
  if (!same) process.exitCode = 1;
});
await container.unloadAsync(module);
