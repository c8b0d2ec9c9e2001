// `npm run bench [-- <name>...] [--quick]`: runs each benchmark in its own child process
// (run-bench.ts), prints a progress line per step on stderr and the table on stdout, and writes
// results/latest.{json,md}, results/<bench>.svg and the generated block of README.md (a --quick
// smoke run writes under results/tmp/ and leaves the README alone).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentLoad, describeMachine } from './harness/machine.js';
import { writeChart } from './report/charts.js';
import { fmt, fmtRatio, fmtTarget, verdict } from './report/format.js';
import { mergeBench, readResults, writeResults, type Results } from './report/json.js';
import { table, toMarkdown } from './report/markdown.js';
import { updateReadme } from './report/readme.js';
import { BENCHMARKS } from './registry.js';
import type { ChildReport } from './run-bench.js';
import type { BenchRow } from './types.js';

const benchRoot = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./run-bench.js', import.meta.url));
const t0 = Date.now();

function clock(): string {
  const s = Math.round((Date.now() - t0) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function log(message: string): void {
  process.stderr.write(`[${clock()}] ${message}\n`);
}

/** Runs one benchmark in a child process; its stderr (the progress lines) passes through. */
function runIsolated(name: string, quick: boolean): Promise<ChildReport> {
  const out = join(tmpdir(), `runtime-traits-bench-${process.pid}-${name}.json`);
  rmSync(out, { force: true });
  rmSync(`${out}.partial`, { force: true });
  const limitMs = quick ? 120_000 : 480_000;
  return new Promise((resolve) => {
    // Its own process group (detached), so that a kill on timeout also takes the servers and load
    // generators it started (redis-server, a kv-server, wrk), which would otherwise run on as orphans.
    const child = spawn(process.execPath, [CHILD, name, out, ...(quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, BENCH_T0: String(t0) }, detached: true,
    });
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // (the group is gone already, or there is none on this platform)
      }
    };
    // ^C, a CI cancel or a hang-up reaches only this process now: pass it on to the group.
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const onSignal = (signal: NodeJS.Signals): void => {
      killGroup();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    };
    for (const signal of signals) process.once(signal, onSignal);
    // The child's progress lines pass through; anything else it prints (a runtime's own debug
    // output, a stack trace) passes through too, up to a limit, and is kept for the crash note.
    const tail: string[] = [];
    let foreign = 0;
    let pending = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const ours = /^\[\d\d:\d\d\] /.test(line);
        if (ours || ++foreign <= 40) process.stderr.write(`${line}\n`);
        else if (foreign === 41) process.stderr.write('  (more output from the benchmark process hidden)\n');
        if (line.trim()) tail.push(line);
      }
      tail.splice(0, Math.max(0, tail.length - 6));
    });
    const timer = setTimeout(() => { tail.push(`killed after ${limitMs / 1000} s`); killGroup(); }, limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      for (const signal of signals) process.off(signal, onSignal);
      killGroup(); // whatever the benchmark started and left running (it crashed, say)
      const partial = `${out}.partial`;
      const read = (file: string): ChildReport | undefined => {
        if (!existsSync(file)) return undefined;
        const report = JSON.parse(readFileSync(file, 'utf8')) as ChildReport;
        rmSync(file, { force: true });
        return report;
      };
      const done = read(out);
      const some = read(partial);
      if (done) {
        resolve(done);
        return;
      }
      const why = tail.filter((l) => !/round \d+\/\d+ done/.test(l)).slice(-3).join(' / ').replace(/\[\d\d:\d\d\]\s*/g, '');
      const crash = `crashed (exit ${code ?? signal}): ${why}`;
      resolve(some && some.rows.length > 0 ? { rows: some.rows, incomplete: crash } : { rows: [], skipped: crash });
    });
  });
}

function summaryLine(r: BenchRow): string {
  if (r.status && r.status !== 'ok') return `${r.status}: ${r.note ?? ''}`;
  const ratio = r.baseline && r.baseline !== r.contender ? ` = ${fmtRatio(r.ratio)} ${r.baseline}` : '';
  return `${fmt(r.median)} ${r.unit} [${fmt(r.min)}..${fmt(r.max)}]${ratio} ${fmtTarget(r)}`.trim();
}

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
  const chosen = names.length > 0 ? names : [...BENCHMARKS];
  const outDir = quick ? join(benchRoot, 'results', 'tmp') : join(benchRoot, 'results');
  mkdirSync(outDir, { recursive: true });
  const jsonFile = join(outDir, 'latest.json');
  let results: Results = readResults(jsonFile);
  results.command = 'npm run bench';
  const fresh: BenchRow[] = [];

  for (const [i, name] of chosen.entries()) {
    const step = `(${i + 1}/${chosen.length}) ${name}`;
    const machine = describeMachine();
    const date = new Date().toISOString();
    const started = Date.now();
    log(`${step}: starting (load average ${machine.loadStart.toFixed(2)})`);
    const { rows, skipped, incomplete } = await runIsolated(name, quick);
    machine.loadEnd = currentLoad();
    const seconds = (Date.now() - started) / 1000;
    for (const row of rows) for (const k of ['median', 'min', 'max'] as const) if (row[k] === null) row[k] = NaN;
    results = mergeBench(results, name, { date, seconds, quick, machine, ...(skipped ? { skipped } : {}), ...(incomplete ? { incomplete } : {}) }, rows);
    fresh.push(...rows);
    writeResults(jsonFile, results);
    try {
      await writeChart(outDir, name, rows);
    } catch (error) {
      log(`  ${name}: chart failed: ${(error as Error).message}`);
    }
    if (skipped) log(`${step}: SKIPPED — ${skipped}`);
    else {
      if (incomplete) log(`${step}: INCOMPLETE — ${incomplete}; keeping the ${rows.length} rows of the cases it finished`);
      log(`${step}: done in ${seconds.toFixed(1)} s`);
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

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error); process.exitCode = 1; },
);
