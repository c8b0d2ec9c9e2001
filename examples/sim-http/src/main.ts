// The sim-http workflow from the command line: explore a variant of the cache, shrink its first failure to a replay file, replay a file.
//   node examples/sim-http/dist/src/main.js explore [--variant naive|fixed] [--seeds 40] [--workers 2]
//   node examples/sim-http/dist/src/main.js replay <file> [--variant naive|fixed]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describePlan, explore, replay, shrink } from '@runtime-traits/simtest';
import { HTTP_FAULTS, VARIANTS } from './lib/index.js';

/** What the user gave wrong (a flag, a file): one line naming it, exit 2 — 1 means a run failed, as for runtime-traits-sim. */
function usage(message: string): never {
  console.error(`sim-http: ${message}`);
  process.exit(2);
}

function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) usage(`--${name} needs a value`);
  return value;
}

/** An integer flag from `min` to `max`; simtest's own RangeError would name options.seeds, not the flag. */
function count(name: string, min: number, max: number, fallback?: string): number | undefined {
  const text = flag(name, fallback);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) usage(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function variant(): [string, (typeof VARIANTS)[keyof typeof VARIANTS]] {
  const name = flag('variant', 'naive')!;
  const scenario = Object.hasOwn(VARIANTS, name) ? VARIANTS[name as keyof typeof VARIANTS] : undefined; // not 'toString'
  if (!scenario) usage(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}, got ${JSON.stringify(name)}`);
  return [name, scenario];
}

async function exploreCommand(): Promise<number> {
  const [name, scenario] = variant();
  const seeds = count('seeds', 1, 10_000_000, '40')!;
  const workers = count('workers', 0, 256); // 0 runs the seeds on this thread
  const started = performance.now();
  const report = await explore(scenario, { seeds, faults: HTTP_FAULTS, workers });
  console.log(`explored ${report.runs} seeds of the ${name} cache in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (report.neverReached.length > 0) console.log(`sometimes never reached: ${report.neverReached.join('; ')}`);
  const failure = report.failures[0];
  if (!failure) {
    console.log('no failure');
    return 0;
  }
  console.log(`seed ${failure.seed} failed under: ${describePlan(failure.plan)}\n${failure.error.message}`);
  const dir = flag('out', '.simtest')!;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `http-${name}.json`);
  const shrunk = await shrink(scenario, failure, { file });
  console.log(`\nshrunk in ${shrunk.runs} runs to: ${describePlan(shrunk.plan)}\n${shrunk.error.message}`);
  console.log(`\nreplay file: ${file}\n  node examples/sim-http/dist/src/main.js replay ${file}`);
  return 1;
}

async function replayCommand(): Promise<number> {
  const file = process.argv[3];
  if (!file || file.startsWith('--')) usage('replay needs a file: main.js replay <file> [--variant naive|fixed]');
  const [, scenario] = variant();
  let result: Awaited<ReturnType<typeof replay>>;
  try {
    result = await replay(scenario, file);
  } catch (error) {
    usage((error as Error).message); // a file that cannot be read or is no replay file (it names the file); the scenario's own failure is a result
  }
  console.log(`traceHash ${result.traceHash} (${result.reproduced ? 'reproduced' : `the file had ${result.expectedTraceHash}`})`);
  console.log(result.error ? `failed: ${result.error.message}` : 'passed');
  return result.error ? 1 : 0;
}

const command = process.argv[2];
if (command === 'explore') process.exitCode = await exploreCommand();
else if (command === 'replay') process.exitCode = await replayCommand();
else {
  console.error('usage: main.js explore [--variant naive|fixed] [--seeds n] [--workers n]\n       main.js replay <file> [--variant naive|fixed]');
  process.exitCode = 2;
}
