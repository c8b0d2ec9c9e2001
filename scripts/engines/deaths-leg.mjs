// Runs worksteal's own thread-death tests (crash, liveness, exit) on one engine, and writes a CI leg report.
//
// usage: node scripts/engines/deaths-leg.mjs <engine> <report.json> -- <command to run a script on that engine...>
//   e.g. node scripts/engines/deaths-leg.mjs deno .cache/ci/reports/deaths-deno.json -- .cache/engines/deno/node_modules/@deno/linux-x64-glibc/deno run -A
// The whole suite runs on Node only (.ci/run); noticing a dead worker depends on what each engine does
// when a thread exits, throws or runs out of memory, so these tests run on every engine CI installs.
// mocha runs under the engine with its settings in a file (Deno's argument handling rejects some of
// mocha's flags); a run that outlives its limit is killed and counts as one failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const [engine, out, dashes, ...command] = process.argv.slice(2);
if (!engine || !out || dashes !== '--' || command.length === 0) {
  console.error('usage: deaths-leg.mjs <engine> <report.json> -- <command...>');
  process.exit(2);
}
const LIMIT_MS = Number(process.env.LEG_LIMIT_MS ?? 5 * 60_000);
const pkg = join(root, 'packages/worksteal');
const tmp = mkdtempSync(join(tmpdir(), 'deaths-leg-'));
const results = join(tmp, 'results.json');
const config = join(tmp, 'mocharc.json');
writeFileSync(config, JSON.stringify({
  spec: ['dist/test/crash.test.js', 'dist/test/liveness.test.js', 'dist/test/exit.test.js'],
  timeout: 60_000,
  exit: true,
  reporter: 'json',
  'reporter-option': [`output=${results}`],
}));
const started = Date.now();
const run = spawnSync(command[0], [...command.slice(1), join(root, 'node_modules/mocha/bin/mocha.js'), '--config', config],
  { cwd: pkg, stdio: ['ignore', 'inherit', 'inherit'], timeout: LIMIT_MS, killSignal: 'SIGKILL' });
const seconds = (Date.now() - started) / 1000;
const leg = `worksteal's thread-death tests on ${engine}`;
let report;
if (existsSync(results)) {
  const { stats, failures, pending } = JSON.parse(readFileSync(results, 'utf8'));
  report = { leg, passes: stats.passes, failures: stats.failures, pending: stats.pending,
    failed: failures.map((f) => ({ title: f.fullTitle, error: f.err?.message ?? '' })), skipped: pending.map((p) => p.fullTitle) };
} else {
  const why = run.error?.code === 'ETIMEDOUT' ? `killed after ${LIMIT_MS / 1000} s` : `exited ${run.status ?? run.signal} without results`;
  report = { leg, passes: 0, failures: 1, pending: 0, failed: [{ title: `the whole run on ${engine}`, error: why }] };
}
rmSync(tmp, { recursive: true, force: true });
writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`${leg}: ${report.passes} passed, ${report.failures} failed, ${report.pending} skipped (${seconds.toFixed(0)} s)`);
for (const f of report.failed ?? []) console.log(`  failed: ${f.title}: ${f.error}`);
process.exitCode = report.failures > 0 ? 1 : 0;
