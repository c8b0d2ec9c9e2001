// Runs every workspace's tests through lerna, one at a time and unsorted (so a failing package never
// keeps its dependents' tests from running),
// then prints one closing line from mocha's own counts: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const resultsDir = join(root, '.test-results');
rmSync(resultsDir, { recursive: true, force: true });

const lerna = spawnSync('npx', ['lerna', 'run', 'test', '--concurrency', '1', '--no-sort', '--no-bail', '--stream', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
let skipped = 0;
const ran = new Set();
if (existsSync(resultsDir)) {
  for (const file of readdirSync(resultsDir)) {
    const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
    ran.add(result.package);
    passed += result.passes;
    failed += result.failures;
    skipped += result.pending;
    console.log(`  ${result.package}: ${result.passes} passed, ${result.failures} failed, ${result.pending} skipped`);
  }
}

// A workspace that has tests but wrote no counts crashed before mocha finished: count it as a failure.
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
for (const pattern of workspaces) {
  const dirs = pattern.endsWith('/*')
    ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(pattern.slice(0, -2), d.name))
    : [pattern];
  for (const dir of dirs) {
    const manifest = join(root, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (pkg.scripts?.test && !ran.has(pkg.name)) {
      console.log(`  ${pkg.name}: no results (the test run crashed or was filtered out)`);
      if (process.argv.length <= 2) failed += 1;
    }
  }
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || lerna.status !== 0 ? 1 : 0);
