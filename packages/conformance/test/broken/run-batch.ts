// Child-process driver: runs the suite against several broken adapters in turn, a fresh Mocha for each; one JSON line per fault.
//   node run-batch.js <timeoutMs> <fault> [<fault> ...]
// CONFORMANCE_EXCLUDE (a JSON array of case titles, without the "runtime-traits conformance: <name> " prefix)
// names cases the fault-free control itself fails: their failures do not count, and a broken adapter's run
// stops at its first failure outside that list.
import Mocha from 'mocha';
import type { RuntimeOptions } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { FAULTS } from './faults.js';
import { wrapRuntime } from './wrap.js';

export interface BatchResult {
  fault: string; passes: number; failures: number; pending: number; seconds: number;
  failed: Array<{ title: string; error: string }>;
  passed: string[]; skipped: string[];
  /** Runtimes create() made, and how many of them were never shut down by the suite. */
  created: number; leaked: number;
}

const EXCLUDE = new Set<string>(JSON.parse(process.env.CONFORMANCE_EXCLUDE ?? '[]') as string[]);

/** A case's title without the suite's "runtime-traits conformance: <name> " prefix, the same for every adapter. */
export function caseTitle(fullTitle: string): string {
  return fullTitle.replace(/^runtime-traits conformance: \S+ /, '');
}

/** Adapters that are correct (the controls): they run the whole suite, without bail. */
export const CORRECT = new Set(['none', 'honest-without-udp-and-blocking']);

async function runOne(faultName: string, timeoutMs: number): Promise<BatchResult> {
  const fault = FAULTS[faultName];
  if (!fault) throw new Error(`unknown fault ${faultName}`);
  const mocha = new Mocha({ reporter: 'base', timeout: timeoutMs });
  if (fault.area) mocha.grep(new RegExp(`^runtime-traits conformance: \\S+ ${fault.area} `));
  mocha.suite.emit('pre-require', globalThis, faultName, mocha);
  const { conformanceSuite } = await import('../../src/suite.js');
  const live = new Set<object>();
  let created = 0;
  const create = async (options?: RuntimeOptions) => {
    const rt = wrapRuntime(await NodeRuntime.create(fault.options ? fault.options(options) : options), fault);
    created++;
    live.add(rt);
    const shutdown = rt.shutdown.bind(rt);
    (rt as { shutdown: typeof shutdown }).shutdown = (opts) => { live.delete(rt); return shutdown(opts); };
    return rt;
  };
  conformanceSuite({ name: `node+${faultName}`, create, timeoutMs });
  const failed: BatchResult['failed'] = [];
  const passed: string[] = [];
  const skipped: string[] = [];
  const started = process.hrtime.bigint();
  const stats = await new Promise<Mocha.Stats>((done) => {
    const runner = mocha.run(() => done(runner.stats!));
    runner.on('fail', (test, error: Error) => {
      const title = test.fullTitle();
      failed.push({ title, error: String(error?.message ?? error) });
      if (!CORRECT.has(faultName) && !EXCLUDE.has(caseTitle(title))) runner.abort();
    });
    runner.on('pass', (test) => passed.push(test.fullTitle()));
    runner.on('pending', (test) => skipped.push(test.fullTitle()));
  });
  mocha.dispose();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { fault: faultName, passes: stats.passes, failures: stats.failures, pending: stats.pending, seconds, failed, passed, skipped, created, leaked: live.size };
}

const [timeout, ...faults] = process.argv.slice(2);
// A broken adapter may leave rejections and exceptions behind (that is what it is for); they must not end this process.
process.on('unhandledRejection', () => undefined);
for (const fault of faults) {
  const result = await runOne(fault, Number(timeout));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
process.exit(0);
