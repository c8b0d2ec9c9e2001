// The suite tests itself: it must pass a good runtime and fail every broken adapter (a good runtime with one fault).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { FAULTS } from './broken/faults.js';
import type { BatchResult } from './broken/run-batch.js';

/** Correct adapters among FAULTS (kept in step with run-batch's CORRECT, which this file must not import: it runs on import). */
const CORRECT = new Set(['none', 'honest-without-udp-and-blocking']);

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const BROKEN = fileURLToPath(new URL('./broken/adapter.js', import.meta.url));
const NODE = fileURLToPath(new URL('./adapters/node.js', import.meta.url));
const NAIVE = fileURLToPath(new URL('./adapters/naive-wrapper.js', import.meta.url));
const WRAPPING = fileURLToPath(new URL('../../examples/wrapping-adapter.js', import.meta.url));
const BATCH = fileURLToPath(new URL('./broken/run-batch.js', import.meta.url));
const FAULT_TIMEOUT_MS = 3000;
const CORRECT_TIMEOUT_MS = 20_000;
const PARALLEL = 3;

interface Report { passes: number; failures: number; pending: number; seconds: number; failed: Array<{ title: string; error: string }> }
interface Outcome { code: number | null; stdout: string; stderr: string; report?: Report; killed: boolean }

/** Runs the CLI in a child process (a fresh mocha, a fresh runtime module) and reads its JSON report. */
function runCli(args: string[], env: Record<string, string> = {}, killAfterMs = 240_000): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'rt-conformance-self-'));
  const reportFile = join(dir, 'report.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--report-json', reportFile], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const killer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, killAfterMs);
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; }); // (the broken adapters are noisy on purpose)
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      let report: Report | undefined;
      try { report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report; } catch { /* no report: usage error or crash */ }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr, report, killed });
    });
  });
}

/** Runs a batch of faults in one child process (one fresh Mocha per fault); resolves with one result per fault. */
function runBatch(faults: string[], env: Record<string, string> = {}, timeoutMs = FAULT_TIMEOUT_MS): Promise<BatchResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BATCH, String(timeoutMs), ...faults], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.on('error', reject);
    child.on('close', () => {
      const results = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as BatchResult);
      resolve(results);
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

const NAMES = Object.keys(FAULTS).filter((n) => !CORRECT.has(n));
let batches: Promise<Batches> | undefined;

/** A case's title without the suite's "runtime-traits conformance: <name> " prefix. */
const caseTitle = (fullTitle: string): string => fullTitle.replace(/^runtime-traits conformance: \S+ /, '');

interface Batches { results: Map<string, BatchResult>; seconds: number; controlFailures: Set<string> }

/**
 * Starts (once) the runs of every adapter in FAULTS. The fault-free control runs first: a case it fails
 * itself (a gap in the good runtime or in core) cannot count as catching a fault. Then the broken adapters,
 * in PARALLEL child processes with a fresh Mocha each, each stopping at its first failure outside that list.
 */
function startBatches(): Promise<Batches> {
  batches ??= (async () => {
    const started = process.hrtime.bigint();
    // The correct adapters get the suite's normal per-case limit: under load, a slow case must not look like a fault.
    const [control] = await runBatch(['none'], {}, CORRECT_TIMEOUT_MS);
    const controlFailures = new Set((control?.failed ?? []).map((f) => caseTitle(f.title)));
    const env = { CONFORMANCE_EXCLUDE: JSON.stringify([...controlFailures]) };
    const lists: string[][] = Array.from({ length: PARALLEL }, () => []);
    NAMES.forEach((name, i) => lists[i % PARALLEL]!.push(name));
    const honest = runBatch(['honest-without-udp-and-blocking'], env, CORRECT_TIMEOUT_MS);
    const lines = [...await pool(lists, PARALLEL, (list) => runBatch(list, env)), await honest];
    const results = new Map<string, BatchResult>();
    for (const result of [control!, ...lines.flat()]) if (result) results.set(result.fault, result);
    return { results, seconds: Number(process.hrtime.bigint() - started) / 1e9, controlFailures };
  })();
  return batches;
}

describe('the conformance suite', function () {
  this.timeout(300_000);

  describe('against the unbroken NodeRuntime, through the CLI', () => {
    let outcome: Outcome;
    // --no-exit: the CLI does not force an exit, so the process must end by itself once every runtime was shut down.
    before(async () => {
      void startBatches(); // the broken adapters run meanwhile, in their own processes
      outcome = await runCli([NODE, '--reporter', 'dot', '--no-exit'], {}, 150_000);
    });

    it('passes every case that is not skipped by capability', () => {
      const failed = outcome.report?.failed.map((f) => `${f.title}: ${f.error}`) ?? ['no report'];
      expect(failed, failed.join('\n')).to.deep.equal([]);
    });
    it('lets the process exit by itself afterwards (no handle, timer or thread leaked)', () => {
      expect(outcome.killed, 'the process was still alive 150 s later: something leaked').to.equal(false);
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

  describe('against a runtime that wraps another', () => {
    it('passes the README\'s wrapping adapter, which hands bodies a context whose runtime is itself', async () => {
      const outcome = await runCli([WRAPPING, '--reporter', 'dot', '--grep', 'cx.runtime'], {}, 120_000);
      expect(outcome.report?.failed ?? [{ title: 'no report' }], 'failures').to.deep.equal([]);
      expect(outcome.report!.passes, 'cases run').to.be.above(3);
    });
    it('fails a wrapper that leaks the inner runtime, naming both runtimes in words', async () => {
      const outcome = await runCli([NAIVE, '--reporter', 'dot', '--grep', 'cx.runtime === the runtime itself'], {}, 120_000);
      const errors = outcome.report?.failed.map((f) => f.error) ?? [];
      expect(errors.length, 'failing cases').to.be.above(0);
      for (const error of errors) {
        expect(error).to.match(/^expected cx\.runtime inside (spawnLocal|run\(\)) to be the runtime create\(\) returned \(a NaiveWrapper named 'naive'\), got another object, a NodeRuntime named 'node'/);
      }
    });
  });

  describe('against an adapter whose read() returns empty chunks instead of null', () => {
    it('fails it, and the whole run (every area, no --bail) ends within its timeouts', async () => {
      const outcome = await runCli([BROKEN, '--reporter', 'dot', '--timeout', '5000'], { CONFORMANCE_FAULT: 'read-returns-empty-chunks-at-end' }, 240_000);
      expect(outcome.killed, 'the run was still going after 240 s: a loop of the suite is trapped by the adapter').to.equal(false);
      expect(outcome.report!.failures, 'failing cases').to.be.above(0);
      expect(outcome.report!.failed.map((f) => f.error).join('\n')).to.contain('returned an empty chunk');
      expect(outcome.code).to.equal(1);
    });
  });

  describe('through the CLI, given a bad module', () => {
    it('exits 2 with a usage message when no module is given', async () => {
      const outcome = await runCli([]);
      expect(outcome.code).to.equal(2);
    });
    it('exits 2 saying so when --grep is not a regular expression', async () => {
      const outcome = await runCli([fileURLToPath(new URL('./broken/faults.js', import.meta.url)), '--grep', '(']);
      expect(outcome.code).to.equal(2);
      expect(outcome.stderr).to.match(/^--grep is not a regular expression: /);
    });
    it('exits 2 when the module has no default create()', async () => {
      const outcome = await runCli([fileURLToPath(new URL('./broken/faults.js', import.meta.url))]);
      expect(outcome.code).to.equal(2);
    });
  });

  describe('against broken adapters (a good runtime with one fault each)', () => {
    const names = NAMES;
    let results = new Map<string, BatchResult>();
    let seconds = 0;
    let controlFailures = new Set<string>();
    /** The failures that count: cases the control passes. */
    const counted = (r: BatchResult | undefined) => (r?.failed ?? []).filter((f) => !controlFailures.has(caseTitle(f.title)));

    before(async () => {
      ({ results, seconds, controlFailures } = await startBatches());
    });

    after(() => {
      const caught = names.filter((n) => counted(results.get(n)).length > 0);
      console.log(`\n      caught ${caught.length} of ${names.length} broken adapters (${seconds.toFixed(1)} s)`);
      for (const title of controlFailures) console.log(`        (the fault-free control fails this case itself, so it counts for no adapter: ${title})`);
      for (const n of names) {
        const result = results.get(n);
        const first = counted(result)[0];
        const by = first ? ` by: ${first.title.replace(/^runtime-traits conformance: \S+ /, '')}` : '';
        console.log(`        ${first ? 'caught' : 'MISSED'} ${n} (${result?.seconds.toFixed(1) ?? '?'} s)${by}`);
      }
    });

    it('passes the fault-free wrapper (the control), so every failure below is the fault\'s', () => {
      const control = results.get('none');
      const failed = control?.failed.map((f) => `${f.title}: ${f.error}`) ?? ['no result'];
      expect(failed, failed.join('\n')).to.deep.equal([]);
      expect(control!.passes).to.be.above(150);
    });

    it('passes a correct adapter that lacks net.udp and spawn.blocking: their cases skip, naming the capability', () => {
      const result = results.get('honest-without-udp-and-blocking');
      const failed = result?.failed.map((f) => `${f.title}: ${f.error}`) ?? ['no result'];
      expect(failed, failed.join('\n')).to.deep.equal([]);
      const udpSkips = result!.skipped.filter((title) => / udp /.test(title));
      expect(udpSkips.length, 'udp cases were not skipped').to.be.above(10);
      for (const title of udpSkips) expect(title).to.match(/\(skipped: runtime lacks net\.udp\)$/);
      expect(result!.passed.some((title) => /bindUdp\(\) rejects with UnsupportedError\(net\.udp\)/.test(title)), 'the UnsupportedError case for net.udp did not run').to.equal(true);
      expect(result!.passed.some((title) => /spawnBlocking still runs the task without spawn\.blocking/.test(title)), 'the inline spawnBlocking case did not run').to.equal(true);
    });

    it('shuts down every runtime it created, for every adapter, passing or failing', () => {
      const leaks = [...results.values()].filter((r) => r.leaked > 0).map((r) => `${r.fault}: ${r.leaked} of ${r.created}`);
      expect(leaks, leaks.join(', ')).to.deep.equal([]);
      expect(results.get('none')!.created).to.be.above(150);
    });

    it('says, for every adapter it catches, what it expected and what it got (never a bare "expected false to equal true")', () => {
      const bare = /^expected (true|false|undefined|null) to (equal|be) (true|false)$/;
      const bad = names.flatMap((n) => counted(results.get(n)).slice(0, 1).filter((f) => bare.test(f.error)).map((f) => `${n}: ${f.title}: ${f.error}`));
      expect(bad, bad.join('\n')).to.deep.equal([]);
    });

    for (const name of names) {
      it(`fails the adapter whose fault is: ${FAULTS[name]!.description} (${name})`, () => {
        const result = results.get(name);
        expect(result, 'no result from the run').to.not.equal(undefined);
        expect(counted(result).length, 'the suite passed a broken adapter (no failure outside what the control fails too)').to.be.above(0);
      });
    }

    it('fails a broken adapter through the CLI too: exit code 1', async () => {
      const outcome = await runCli([BROKEN, '--reporter', 'dot', '--bail', '--grep', 'tcp listen'], { CONFORMANCE_FAULT: 'listens-on-0.0.0.0-by-default' });
      expect(outcome.report!.failures).to.be.above(0);
      expect(outcome.code).to.equal(1);
    });
  });
});
