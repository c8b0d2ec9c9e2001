// simTest: a mocha test that explores a scenario over seeds and, on failure, shrinks it and prints how to replay it.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkScenario, show } from './internal/checks.js';
import type { Scenario } from './internal/run-scenario.js';
import { explore, type ExploreOptions } from './explore.js';
import { describePlan } from './plan.js';
import { shrink } from './shrink.js';

/** Options of {@link simTest}: explore's, plus where replays go and how strict to be. */
export interface SimTestOptions extends ExploreOptions {
  /** Where replay files go. Default `.simtest` in the working directory. */
  replayDir?: string;
  /** Fail the test when some `sometimes` name was never reached (default: only print them). */
  requireSometimes?: boolean;
  /** mocha timeout for the test, ms. Default 120 000. */
  timeout?: number;
}

type MochaIt = (title: string, fn: (this: { timeout(ms: number): void }) => Promise<void>) => unknown;

/**
 * Registers `it(name)`: explores `scenario` over `options.seeds` (with `options.faults`); the first
 * failure is shrunk, written as a replay file, and the test fails with the seed, the shrunk plan
 * and the one-line command that replays it.
 */
export function simTest(name: string, scenario: Scenario, options: SimTestOptions): void {
  if (typeof name !== 'string' || name === '') throw new TypeError(`name must be a non-empty string, got ${show(name)}`);
  checkScenario(scenario);
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be { seeds, ... }, got ${show(options)}`);
  const it = (globalThis as { it?: MochaIt }).it;
  if (typeof it !== 'function') throw new TypeError('simTest must be called where mocha defines it() (inside a test file)');
  it(name, async function () {
    this.timeout(options.timeout ?? 120_000);
    const report = await explore(scenario, { ...options, maxFailures: 1 });
    if (report.neverReached.length > 0) {
      const line = `sometimes never reached over ${report.runs} runs: ${report.neverReached.join(', ')}`;
      if (options.requireSometimes) throw new Error(line);
      console.log(`      ${line}`);
    }
    const failure = report.failures[0];
    if (!failure) return;
    const dir = options.replayDir ?? '.simtest';
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${slug(name)}-seed-${failure.seed}.json`);
    let shrunk: Awaited<ReturnType<typeof shrink>>;
    try {
      shrunk = await shrink(scenario, failure, { file });
    } catch (cause) {
      // The failure itself is the finding; a scenario that fails on one thread and not on another
      // (it reads something outside its simulation: a real clock, Math.random, shared state) cannot be shrunk.
      throw Object.assign(new Error([
        `${name}: seed ${failure.seed} failed: ${failure.error.message}`,
        `  plan:        ${describePlan(failure.plan)}`,
        `  not shrunk:  ${(cause as Error)?.message ?? String(cause)}`,
        '  the same seed and plan did not fail again on this thread: does the scenario depend on something outside its simulation?',
      ].join('\n'), { cause }), { seed: failure.seed, plan: failure.plan });
    }
    const error = new Error([
      `${name}: seed ${failure.seed} failed: ${failure.error.message}`,
      `  plan:        ${describePlan(failure.plan)}`,
      `  shrunk plan: ${describePlan(shrunk.plan)} (${shrunk.runs} runs to shrink)`,
      `  replay:      npx runtime-traits-sim replay ${shellQuote(relative(process.cwd(), file) || file)} --trace trace.json`,
    ].join('\n'));
    Object.assign(error, { seed: failure.seed, plan: shrunk.plan, replayFile: file });
    throw error;
  });
}

/** `path` as one word of a POSIX shell command: as it is when nothing in it is special, else in single quotes. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'scenario';
}
