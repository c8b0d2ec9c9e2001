// Child entry: runs ONE benchmark in its own process and writes its rows to a JSON file.
// `node run-bench.js <name> <out.json> [--quick]`. main.ts starts one of these per benchmark, so
// a runtime that crashes the process, wedges, or leaves threads spinning cannot spoil the others.
import { writeFileSync } from 'node:fs';
import { describe, failCurrentSample, setSampleTimeout } from './harness/alternate.js';
import { loadBenchmark } from './registry.js';
import type { BenchRow } from './types.js';

/** What the child leaves in its out file. */
export interface ChildReport {
  rows: BenchRow[];
  skipped?: string;
  /** Set by the parent when the process died after recording some rows. */
  incomplete?: string;
}

const [name = '', outFile = '', ...flags] = process.argv.slice(2);
const quick = flags.includes('--quick');
const t0 = Number(process.env.BENCH_T0 ?? Date.now());

// The parent reads stderr; once it is gone a write fails (EPIPE). Unhandled, that failure is an
// uncaught exception whose report is another write — a loop that once spun an orphaned child at
// 100% CPU for hours. With nobody left to report to, end.
process.stderr.on('error', () => process.exit(71));

function log(message: string): void {
  const s = Math.round((Date.now() - t0) / 1000);
  process.stderr.write(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${message}\n`);
}

// An exception a runtime throws from one of its own callbacks fails the sample under way (the
// row says so); outside a sample it ends this benchmark, whose parent records the crash.
const onStray = (kind: string) => (error: unknown): void => {
  if (failCurrentSample(error)) {
    log(`  ${kind} during a sample (the sample fails): ${describe(error)}`);
    return;
  }
  log(`  ${kind} outside any sample: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(70);
};
process.on('uncaughtException', onStray('uncaught exception'));
process.on('unhandledRejection', onStray('unhandled rejection'));

// A runtime whose pending work holds no ref'd handle (e.g. only Atomics.waitAsync) would let the
// event loop run dry and the process exit mid-sample; this interval keeps it alive until the
// sample's time limit fails it instead. The exit hook says so if the process ends early anyway.
const keepAlive = setInterval(() => undefined, 1_000);
let reported = false;
process.on('exit', (code) => {
  if (!reported) log(`  ${name}: process exiting with code ${code} before the benchmark finished`);
});

// Rows of finished cases, rewritten to <out>.partial each time, for the parent to keep if this
// process dies before run() returns.
const finished: BenchRow[] = [];
function record(rows: readonly BenchRow[]): void {
  finished.push(...rows);
  writeFileSync(`${outFile}.partial`, JSON.stringify({ rows: finished }));
}

async function main(): Promise<void> {
  setSampleTimeout(quick ? 15_000 : 60_000);
  const bench = await loadBenchmark(name);
  const report: ChildReport = typeof bench === 'string'
    ? { rows: [], skipped: bench }
    : { rows: await bench.run({ quick, log, record }) };
  writeFileSync(outFile, JSON.stringify(report));
  reported = true;
  clearInterval(keepAlive);
}

// Exits explicitly: a runtime that failed may have left threads or handles behind.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`  ${name} crashed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
