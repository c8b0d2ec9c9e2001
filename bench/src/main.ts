// `npm run bench [-- <name>...] [--quick]`: runs the benchmarks, prints a progress line per step
// on stderr and a table on stdout, and writes results/latest.{json,md}, results/<bench>.svg and the
// generated block of README.md (a --quick smoke run writes under results/tmp/ instead).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setSampleTimeout } from './harness/alternate.js';
import { currentLoad, describeMachine } from './harness/machine.js';
import { writeChart } from './report/charts.js';
import { mergeBench, readResults, writeResults, type Results } from './report/json.js';
import { table, toMarkdown } from './report/markdown.js';
import { updateReadme } from './report/readme.js';
import { BENCHMARKS, loadBenchmark } from './registry.js';
import type { BenchRow } from './types.js';
import { fmt, fmtRatio, fmtTarget, verdict } from './report/format.js';
import { writeFileSync } from 'node:fs';

const benchRoot = fileURLToPath(new URL('../../', import.meta.url));

async function main(argv: readonly string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--'));
  if (argv.includes('--help') || argv.includes('--list')) {
    console.log(`usage: npm run bench [-- <name>...] [--quick]\nbenchmarks: ${BENCHMARKS.join(', ')}`);
    return 0;
  }
  const unknown = names.filter((n) => !(BENCHMARKS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
    return 2;
  }
  setSampleTimeout(quick ? 15_000 : 60_000);
  const chosen = names.length > 0 ? names : [...BENCHMARKS];
  const outDir = quick ? join(benchRoot, 'results', 'tmp') : join(benchRoot, 'results');
  mkdirSync(outDir, { recursive: true });
  const jsonFile = join(outDir, 'latest.json');
  let results: Results = readResults(jsonFile);
  results.command = 'npm run bench';

  const started = performance.now();
  const clock = (): string => {
    const s = Math.round((performance.now() - started) / 1000);
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  };
  const log = (message: string): void => { process.stderr.write(`[${clock()}] ${message}\n`); };
  const fresh: BenchRow[] = [];

  for (const [i, name] of chosen.entries()) {
    const machine = describeMachine();
    const date = new Date().toISOString();
    const t0 = performance.now();
    log(`(${i + 1}/${chosen.length}) ${name}: starting (load average ${machine.loadStart.toFixed(2)})`);
    const bench = await loadBenchmark(name);
    let rows: BenchRow[] = [];
    let skipped: string | undefined;
    if (typeof bench === 'string') {
      skipped = bench;
      log(`(${i + 1}/${chosen.length}) ${name}: SKIPPED — ${bench}`);
    } else {
      try {
        rows = await bench.run({ quick, log });
      } catch (error) {
        skipped = `crashed: ${(error as Error).stack ?? String(error)}`.split('\n').slice(0, 3).join(' ');
        log(`(${i + 1}/${chosen.length}) ${name}: CRASHED — ${skipped}`);
      }
    }
    machine.loadEnd = currentLoad();
    const seconds = (performance.now() - t0) / 1000;
    results = mergeBench(results, name, { date, seconds, quick, machine, ...(skipped ? { skipped } : {}) }, rows);
    fresh.push(...rows);
    writeResults(jsonFile, results);
    try {
      await writeChart(outDir, name, rows);
    } catch (error) {
      log(`  ${name}: chart failed: ${(error as Error).message}`);
    }
    if (rows.length > 0) {
      log(`(${i + 1}/${chosen.length}) ${name}: done in ${seconds.toFixed(1)} s`);
      for (const r of rows) log(`  ${r.case} | ${r.contender}: ${summaryLine(r)}`);
    }
  }
  writeFileSync(join(outDir, 'latest.md'), toMarkdown(results, BENCHMARKS));
  if (!quick) updateReadme(join(benchRoot, 'README.md'), results, BENCHMARKS);

  console.log(table(fresh).join('\n'));
  const judged = fresh.filter((r) => r.target);
  const count = (v: string): number => judged.filter((r) => verdict(r) === v).length;
  console.log(`\ntargets: ${count('met')} met, ${count('NOT MET')} not met, ${count('not measured')} not measured; results in ${outDir} (total ${clock()})`);
  for (const r of judged) console.log(`  ${verdict(r).padEnd(12)} ${r.bench} / ${r.case} / ${r.contender}: ${summaryLine(r)}`);
  return 0;
}

function summaryLine(r: BenchRow): string {
  if (r.status && r.status !== 'ok') return `${r.status}: ${r.note ?? ''}`;
  const ratio = r.baseline && r.baseline !== r.contender ? ` = ${fmtRatio(r.ratio)} ${r.baseline}` : '';
  return `${fmt(r.median)} ${r.unit} [${fmt(r.min)}..${fmt(r.max)}]${ratio} ${fmtTarget(r)}`.trim();
}

// Exits explicitly: a runtime that failed a benchmark may have left threads or handles behind,
// and that must not keep the command from finishing once the results are written.
main(process.argv.slice(2)).then(
  (code) => { process.stdout.write('', () => process.exit(code)); },
  (error) => { console.error(error); process.exit(1); },
);
