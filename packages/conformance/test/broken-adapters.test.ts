// The suite tests itself: it must pass a good runtime and fail every broken adapter (a good runtime with one fault).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { FAULTS } from './broken/faults.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const BROKEN = fileURLToPath(new URL('./broken/adapter.js', import.meta.url));
const NODE = fileURLToPath(new URL('./adapters/node.js', import.meta.url));
const PARALLEL = 3;

interface Report { passes: number; failures: number; pending: number; seconds: number; failed: Array<{ title: string; error: string }> }
interface Outcome { code: number | null; stdout: string; report?: Report }

/** Runs the CLI in a child process (a fresh mocha, a fresh runtime module) and reads its JSON report. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'rt-conformance-self-'));
  const reportFile = join(dir, 'report.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--report-json', reportFile], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', () => { /* the broken adapters are noisy on purpose */ });
    child.on('error', reject);
    child.on('close', (code) => {
      let report: Report | undefined;
      try { report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report; } catch { /* no report: usage error or crash */ }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, report });
    });
  });
}

async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) { const i = next++; results[i] = await work(items[i]!); }
  }));
  return results;
}

describe('the conformance suite', function () {
  this.timeout(300_000);

  describe('against the unbroken NodeRuntime, through the CLI', () => {
    let outcome: Outcome;
    before(async () => { outcome = await runCli([NODE, '--reporter', 'dot']); });

    it('passes every case that is not skipped by capability', () => {
      const failed = outcome.report?.failed.map((f) => `${f.title}: ${f.error}`) ?? ['no report'];
      expect(failed, failed.join('\n')).to.deep.equal([]);
    });
    it('runs well over 150 cases', () => {
      expect(outcome.report!.passes + outcome.report!.failures).to.be.above(150);
    });
    it('ends with the line "N passed, N failed, N skipped" and exits 0', () => {
      const { passes, failures, pending } = outcome.report!;
      expect(outcome.stdout.trimEnd().split('\n').at(-1)).to.equal(`${passes} passed, ${failures} failed, ${pending} skipped`);
      expect(outcome.code).to.equal(0);
    });
  });

  describe('through the CLI, given a bad module', () => {
    it('exits 2 with a usage message when no module is given', async () => {
      const outcome = await runCli([]);
      expect(outcome.code).to.equal(2);
    });
    it('exits 2 when the module has no default create()', async () => {
      const outcome = await runCli([fileURLToPath(new URL('./broken/faults.js', import.meta.url))]);
      expect(outcome.code).to.equal(2);
    });
  });

  describe('against broken adapters (a good runtime with one fault each)', () => {
    const names = Object.keys(FAULTS).filter((n) => n !== 'none');
    const started = process.hrtime.bigint();
    const outcomes = new Map<string, Outcome>();
    let control: Outcome;

    before(async () => {
      const all = await pool(['none', ...names], PARALLEL, async (name) => {
        // The control runs everything; a broken adapter stops at its first failing case.
        // Each fault runs against the area it belongs to (the whole suite when it names none).
        const area = FAULTS[name]!.area;
        const grep = area ? ['--grep', `^runtime-traits conformance: \\S+ ${area} `] : [];
        const args = name === 'none' ? [BROKEN, '--reporter', 'dot'] : [BROKEN, '--reporter', 'dot', '--bail', '--timeout', '4000', ...grep];
        return [name, await runCli(args, { CONFORMANCE_FAULT: name })] as const;
      });
      for (const [name, outcome] of all) outcomes.set(name, outcome);
      control = outcomes.get('none')!;
    });

    after(() => {
      const caught = names.filter((n) => (outcomes.get(n)?.report?.failures ?? 0) > 0);
      const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
      console.log(`\n      caught ${caught.length} of ${names.length} broken adapters (${seconds} s)`);
      for (const n of names) {
        const report = outcomes.get(n)?.report;
        const first = report?.failed[0];
        const by = first ? ` by: ${first.title.replace(/^runtime-traits conformance: \S+ /, '')}` : '';
        console.log(`        ${first ? 'caught' : 'MISSED'} ${n} (${report?.seconds.toFixed(1) ?? '?'} s)${by}`);
      }
    });

    it('passes the fault-free wrapper (the control), so every failure below is the fault\'s', () => {
      const failed = control.report?.failed.map((f) => `${f.title}: ${f.error}`) ?? ['no report'];
      expect(failed, failed.join('\n')).to.deep.equal([]);
    });

    for (const name of names) {
      it(`fails the adapter whose fault is: ${FAULTS[name]!.description} (${name})`, () => {
        const outcome = outcomes.get(name)!;
        expect(outcome.report, `no report from the run (exit ${outcome.code})`).to.not.equal(undefined);
        expect(outcome.report!.failures, 'the suite passed a broken adapter').to.be.above(0);
        expect(outcome.code).to.equal(1);
      });
    }
  });
});
