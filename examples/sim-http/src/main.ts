// The sim-http workflow from the command line: explore a variant of the cache, shrink its first failure to a replay file, replay a file.
//   node examples/sim-http/dist/src/main.js explore [--variant naive|fixed] [--seeds 40] [--workers 2]
//   node examples/sim-http/dist/src/main.js replay <file> [--variant naive|fixed]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describePlan, explore, replay, shrink } from '@runtime-traits/simtest';
import { HTTP_FAULTS, VARIANTS } from './lib/index.js';

function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function variant(): [string, (typeof VARIANTS)[keyof typeof VARIANTS]] {
  const name = flag('variant', 'naive')!;
  const scenario = VARIANTS[name as keyof typeof VARIANTS];
  if (!scenario) throw new TypeError(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}, got ${JSON.stringify(name)}`);
  return [name, scenario];
}

async function exploreCommand(): Promise<number> {
  const [name, scenario] = variant();
  const seeds = Number(flag('seeds', '40'));
  const workers = flag('workers') === undefined ? undefined : Number(flag('workers'));
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
  if (!file || file.startsWith('--')) throw new TypeError('usage: main.js replay <file> [--variant naive|fixed]');
  const [, scenario] = variant();
  const result = await replay(scenario, file);
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
