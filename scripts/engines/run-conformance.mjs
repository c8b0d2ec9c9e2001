// Runs the conformance CLI for each runtime of this repo on one engine, and writes one report per runtime.
//
// usage: node scripts/engines/run-conformance.mjs <engine> <out-dir> -- <command to run a script on that engine...>
//   e.g. node scripts/engines/run-conformance.mjs bun .cache/ci -- .cache/engines/bun/node_modules/@oven/bun-linux-x64/bin/bun
// Cases scripts/engines/quirks.json lists for the engine are left out (--grep with a negative
// lookahead) and named in the report's `excluded`, with the reason. A run that outlives its time
// limit is killed and counts as one failure, so an engine that hangs cannot hang CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseTitles } from '@runtime-traits/conformance';

const root = fileURLToPath(new URL('../..', import.meta.url));
const [engine, outDir, dashes, ...command] = process.argv.slice(2);
if (!engine || !outDir || dashes !== '--' || command.length === 0) {
  console.error('usage: run-conformance.mjs <engine> <out-dir> -- <command...>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const RUNTIMES = (process.env.RUNTIMES ?? 'node local worksteal-1 worksteal-4').split(' ');
const LIMIT_MS = Number(process.env.LEG_LIMIT_MS ?? 20 * 60_000);
const quirks = JSON.parse(readFileSync(join(root, 'scripts/engines/quirks.json'), 'utf8'))[engine] ?? [];
const titles = caseTitles();
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const version = spawnSync(command[0], [...command.slice(1), '--version'].filter((a) => a !== 'run' && a !== '-A'), { encoding: 'utf8' }).stdout.trim().split('\n')[0].split(' ').slice(0, 2).join(' ');

let failed = 0;
for (const runtime of RUNTIMES) {
  const mine = quirks.filter((q) => q.runtimes.includes(runtime));
  const excluded = [];
  for (const quirk of mine) {
    for (const title of titles.filter((t) => t.startsWith(quirk.title))) excluded.push({ title, reason: quirk.reason });
  }
  const report = join(outDir, `${engine}-${runtime}.json`);
  rmSync(report, { force: true });
  const args = [join(root, 'packages/conformance/bin/runtime-traits-conformance.js'), join(root, `scripts/engines/adapters/${runtime}.js`),
    '--reporter', 'dot', '--report-json', report];
  // Titles in the run carry the suite's name first, then areas joined by spaces: match each exclusion's last words.
  if (mine.length) args.push('--grep', `^(?!.*(${mine.map((q) => escape(q.title.split(' › ').pop())).join('|')}))`);
  const started = Date.now();
  const run = spawnSync(command[0], [...command.slice(1), ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], timeout: LIMIT_MS, killSignal: 'SIGKILL' });
  const seconds = (Date.now() - started) / 1000;
  let result;
  if (existsSync(report)) {
    result = JSON.parse(readFileSync(report, 'utf8'));
  } else {
    const why = run.error?.code === 'ETIMEDOUT' ? `killed after ${LIMIT_MS / 1000} s` : `exited ${run.status ?? run.signal} without a report`;
    result = { name: runtime, seconds, passes: 0, failures: 1, pending: 0, failed: [{ title: `the whole run on ${engine}`, error: why }], skipped: [] };
  }
  Object.assign(result, { engine, name: runtime, version, excluded });
  writeFileSync(report, JSON.stringify(result, null, 2));
  console.log(`${engine} ${version}, ${runtime}: ${result.passes} passed, ${result.failures} failed, ${result.pending} skipped, ${excluded.length} excluded (${seconds.toFixed(0)} s)`);
  failed += result.failures;
}
process.exitCode = failed > 0 ? 1 : 0;
