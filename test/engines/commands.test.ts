// The commands the READMEs document work in a fresh clone: every workspace bin is a committed file (npm links a bin only if it exists at install time).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n'));

const bins: Array<{ pkg: string; command: string; target: string }> = [];
for (const dir of ['packages/bullmq', 'packages/conformance']) {
  const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; bin?: Record<string, string> };
  for (const [command, target] of Object.entries(manifest.bin ?? {})) bins.push({ pkg: manifest.name, command, target: join(dir, target).replace(/\\/g, '/') });
}

describe('the documented commands', () => {
  it('should have a bin in each package that documents one', () => {
    expect(bins.map((b) => b.command).sort()).to.deep.equal(['runtime-traits-conformance', 'runtime-traits-worker']);
  });

  for (const { pkg, command, target } of bins) {
    it(`should point ${command} (${pkg}) at a committed file outside dist/, so npm ci links it before the build`, () => {
      expect(target, `${command}'s target`).to.not.match(/\/dist\//);
      expect(tracked.has(target), `${target} is tracked by git`).to.equal(true);
    });

    it(`should run ${command} --help through npx from the repository root`, () => {
      expect(existsSync(join(ROOT, 'node_modules', '.bin', command)), `node_modules/.bin/${command} (linked by npm ci)`).to.equal(true);
      const run = spawnSync('npx', ['--no-install', command, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, `exit code of npx ${command} --help: ${run.stderr}`).to.equal(0);
      expect(run.stdout, `what npx ${command} --help printed`).to.contain(`usage: ${command}`);
    });
  }
});
