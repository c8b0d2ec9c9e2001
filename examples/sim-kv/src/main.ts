// The sim-kv workflow from the command line: explore a variant, shrink its first failure to a replay file, replay a file.
//   node examples/sim-kv/dist/src/main.js explore --variant retry-writes [--seeds 300] [--workers 2]
//   node examples/sim-kv/dist/src/main.js replay <file> [--variant correct] [--trace trace.json]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describePlan, explore, replay, shrink } from '@runtime-traits/simtest';
import { KV_FAULTS, VARIANTS } from './lib/index.js';

function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function variant(fallback: string): (typeof VARIANTS)[keyof typeof VARIANTS] {
  const name = flag('variant', fallback)!;
  const scenario = VARIANTS[name as keyof typeof VARIANTS];
  if (!scenario) throw new TypeError(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}, got ${JSON.stringify(name)}`);
  return scenario;
}

async function exploreCommand(): Promise<number> {
  const name = flag('variant', 'retry-writes')!;
  const scenario = variant('retry-writes');
  const seeds = Number(flag('seeds', '300'));
  const workers = flag('workers') === undefined ? undefined : Number(flag('workers'));
  const started = performance.now();
  const report = await explore(scenario, { seeds, faults: KV_FAULTS, workers, maxFailures: 1 });
  console.log(`explored ${report.runs} seeds in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (report.neverReached.length > 0) console.log(`sometimes never reached: ${report.neverReached.join('; ')}`);
  const failure = report.failures[0];
  if (!failure) {
    console.log('no failure');
    return 0;
  }
  console.log(`seed ${failure.seed} failed under: ${describePlan(failure.plan)}\n${failure.error.message}`);
  mkdirSync(flag('out', '.simtest')!, { recursive: true });
  const file = join(flag('out', '.simtest')!, `kv-${name}.json`);
  const shrunk = await shrink(scenario, failure, { file });
  console.log(`\nshrunk in ${shrunk.runs} runs to: ${describePlan(shrunk.plan)}\n${shrunk.error.message}`);
  console.log(`\nreplay file: ${file}\n  npx runtime-traits-sim replay ${file} --trace trace.json\n  npx runtime-traits-sim view trace.json -o run.html`);
  return 1;
}

async function replayCommand(): Promise<number> {
  const file = process.argv[3];
  if (!file) throw new TypeError('usage: main.js replay <file> [--variant correct] [--trace trace.json]');
  const trace = flag('trace');
  const result = await replay(variant('retry-writes'), file, trace === undefined ? {} : { trace });
  console.log(`traceHash ${result.traceHash} (${result.reproduced ? 'reproduced' : `the file had ${result.expectedTraceHash}`})`);
  console.log(result.error ? `failed: ${result.error.message}` : 'passed');
  return result.error ? 1 : 0;
}

const command = process.argv[2];
if (command === 'explore') process.exitCode = await exploreCommand();
else if (command === 'replay') process.exitCode = await replayCommand();
else {
  console.error('usage: main.js explore --variant correct|retry-writes|stale-reads [--seeds n] [--workers n]\n       main.js replay <file> [--variant ...] [--trace trace.json]');
  process.exitCode = 2;
}
