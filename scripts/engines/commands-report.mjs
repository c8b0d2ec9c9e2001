// Runs the commands the READMEs document for a fresh clone (right after npm ci && npm run build) and reports each as a case.
// usage: node scripts/engines/commands-report.mjs <report.json>
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const checks = [
  ['npx runtime-traits-conformance --help', ['npx', '--no-install', 'runtime-traits-conformance', '--help'], /usage: runtime-traits-conformance/],
  ['npx runtime-traits-worker --help', ['npx', '--no-install', 'runtime-traits-worker', '--help'], /usage: runtime-traits-worker/],
  ['npx runtime-traits-conformance @runtime-traits/conformance/examples/node-adapter.js --grep dns',
    ['npx', '--no-install', 'runtime-traits-conformance', '@runtime-traits/conformance/examples/node-adapter.js', '--grep', 'dns', '--reporter', 'dot'],
    /^\d+ passed, 0 failed, \d+ skipped$/m],
];
const report = { leg: 'documented commands in this clone', passes: 0, failures: 0, pending: 0, failed: [] };
for (const [title, [command, ...args], expected] of checks) {
  const run = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status === 0 && expected.test(output)) {
    report.passes++;
    console.log(`  ok: ${title}`);
  } else {
    report.failures++;
    report.failed.push({ title, error: `exit ${run.status}: ${output.trim().split('\n').slice(-3).join(' / ')}` });
    console.log(`  FAILED: ${title} (exit ${run.status})\n${output}`);
  }
}
writeFileSync(process.argv[2], JSON.stringify(report, null, 2));
