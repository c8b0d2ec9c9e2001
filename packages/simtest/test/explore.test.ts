// explore, shrink and replay on a small request/response scenario: same report with any number of threads, minimal plans, exact replays.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describePlan, explore, replay, shrink, simTest, type ExploreReport, type PlanOptions } from '../src/index.js';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { WorkerCrashedError } from '@runtime-traits/core';
import { failsOnWorkersOnly, oddSeedsFail, seedFiveKillsItsWorker, timelyEchoScenario } from './fixtures/scenarios.js';

const FAULTS: PlanOptions = { hosts: ['server', 'client'], window: 3000, duration: { min: 100, max: 6000 } };
const BIN = fileURLToPath(new URL('../../bin/runtime-traits-sim.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'simtest-'));

describe('explore / shrink / replay', function () {
  this.timeout(120_000);
  let first: ExploreReport;

  before(async () => {
    first = await explore(timelyEchoScenario, { seeds: 60, faults: FAULTS, workers: 0, maxFailures: 3 });
  });

  describe('explore(scenario, options)', () => {
    it('should report the first failures in seed order with their plans and errors, covering every run up to the last', () => {
      expect(first.failures).to.have.length(3);
      const seeds = first.failures.map((f) => f.seed);
      expect(seeds).to.deep.equal([...seeds].sort((a, b) => a - b));
      expect(first.runs).to.equal(seeds[2]);                  // seeds 1..n: the run count ends at the third failure
      for (const f of first.failures) {
        expect(f.plan.faults.length).to.be.greaterThan(0);
        expect(f.error.message).to.match(/always\("replies come within 3 s"\) failed|crashed/);
        expect(f.traceHash).to.match(/^[0-9a-f]{16}$/);
      }
    });

    it('should give the very same report on every call, on this thread or spread over two workers', async () => {
      const again = await explore(timelyEchoScenario, { seeds: 60, faults: FAULTS, workers: 0, maxFailures: 3 });
      const threaded = await explore(timelyEchoScenario, { seeds: 60, faults: FAULTS, workers: 2, maxFailures: 3 });
      const strip = (r: ExploreReport) => JSON.stringify({ ...r, failures: r.failures.map(({ error: { stack: _s, ...e }, ...f }) => ({ ...f, error: e })) });
      expect(strip(again)).to.equal(strip(first));
      expect(strip(threaded)).to.equal(strip(first));
    });

    it('should run on a pool the caller keeps open, call after call, with the same report, one lane per worker', async () => {
      const pool = await WorkStealingRuntime.create({ workers: 2, stealing: false });
      try {
        const strip = (r: ExploreReport) => JSON.stringify({ ...r, failures: r.failures.map(({ error: { stack: _s, ...e }, ...f }) => ({ ...f, error: e })) });
        for (let call = 0; call < 2; call++) {
          const before = pool.metrics().tasksPerWorker as number[];
          const report = await explore(timelyEchoScenario, { seeds: 60, faults: FAULTS, pool, maxFailures: 3 });
          expect(strip(report)).to.equal(strip(first));
          // (a worker publishes its counters at the end of its batch, maybe just after the result came)
          const ran = (): number[] => (pool.metrics().tasksPerWorker as number[]).map((n, w) => n - before[w]!);
          for (const until = Date.now() + 5000; ran()[0]! + ran()[1]! < 2 && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 5));
          expect(ran(), 'lanes run on each worker').to.deep.equal([1, 1]);
        }
        expect(await pool.run(() => 'still open')).to.equal('still open');
      } finally {
        await pool.shutdown();
      }
    });

    it('should stop every lane and reject with WorkerCrashedError when a scenario kills its worker, leaving a kept pool usable', async () => {
      const pool = await WorkStealingRuntime.create({ workers: 2, stealing: false });
      try {
        const t0 = Date.now();
        // 20k seeds of 2 ms each are 20 s per lane: a lane that went on after the crash would show.
        const error = await explore(seedFiveKillsItsWorker, { seeds: 20_000, pool }).then(() => undefined, (e: unknown) => e);
        expect(error).to.be.instanceOf(WorkerCrashedError);
        expect(Date.now() - t0, 'the other lane stopped taking seeds').to.be.below(10_000);
        // One lane on each worker again (spawnOn 0 and 1): the crashed worker was replaced.
        expect(await explore(oddSeedsFail, { seeds: [2, 4], pool })).to.deep.include({ runs: 2, failures: [] });
      } finally {
        await pool.shutdown();
      }
    });

    it('should list the sometimes names no run reached, and only those', () => {
      expect(first.sometimes).to.deep.equal(['a request was retried', 'a state no run reaches']);
      expect(first.neverReached).to.deep.equal(['a state no run reaches']);
    });

    it('should run every seed with an empty plan without faults, and report what a scenario throws', async () => {
      const clean = await explore(timelyEchoScenario, { seeds: 8, workers: 2 });
      expect(clean).to.deep.include({ runs: 8, failures: [] });
      expect(clean.neverReached).to.include('a request was retried'); // nothing ever goes wrong without faults
      const odd = await explore(oddSeedsFail, { seeds: [4, 6, 7, 8, 9], workers: 0, maxFailures: Infinity });
      expect(odd.failures.map((f) => [f.seed, f.error.name, f.error.message, f.plan.faults.length])).to.deep.equal([
        [7, 'RangeError', 'seed 7 is odd', 0], [9, 'RangeError', 'seed 9 is odd', 0],
      ]);
      expect(odd.runs).to.equal(5);
    });

    it('should reject bad options, naming them', async () => {
      const fail = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);
      expect(await fail(explore(timelyEchoScenario, { seeds: 0 }))).to.be.instanceOf(RangeError).with.property('message').match(/options\.seeds/);
      expect(await fail(explore(timelyEchoScenario, { seeds: 3, workers: -1 }))).to.be.instanceOf(RangeError).with.property('message').match(/options\.workers/);
      expect(await fail(explore(timelyEchoScenario, { seeds: 3, pool: {} as never }))).to.be.instanceOf(TypeError).with.property('message').match(/options\.pool/);
      const pool = await WorkStealingRuntime.create({ workers: 1, stealing: false });
      const stealing = await WorkStealingRuntime.create({ workers: 1 });
      try {
        expect(await fail(explore(timelyEchoScenario, { seeds: 3, pool: stealing }))).to.be.instanceOf(TypeError).with.property('message').match(/stealing: false/);
        expect(await fail(explore(timelyEchoScenario, { seeds: 3, pool, workers: 2 }))).to.be.instanceOf(RangeError).with.property('message').match(/options\.workers.*options\.pool/);
        expect(await fail(explore(timelyEchoScenario, { seeds: 3, pool, workers: 1.5 }))).to.be.instanceOf(RangeError).with.property('message').match(/options\.workers/);
      } finally {
        await pool.shutdown();
        await stealing.shutdown();
      }
      expect(await fail(explore(timelyEchoScenario, { seeds: 3, faults: { hosts: [] } }))).to.be.instanceOf(TypeError).with.property('message').match(/options\.faults\.hosts/);
      expect(await fail(explore((() => undefined) as never, { seeds: 3 }))).to.be.instanceOf(TypeError).with.property('message').match(/scenario/);
    });
  });

  describe('shrink(scenario, failure)', () => {
    it('should find a smaller plan that fails the same way, the same one on every call, and write a small replay file', async () => {
      const failure = first.failures.find((f) => f.error.assertion === 'replies come within 3 s')!;
      const file = join(dir, 'shrunk.json');
      const shrunk = await shrink(timelyEchoScenario, failure, { file });
      expect(shrunk.plan.faults.length).to.be.lessThan(failure.plan.faults.length);
      expect(shrunk.plan.faults.length).to.be.within(1, 2);
      expect(shrunk.error.assertion).to.equal('replies come within 3 s');
      const again = await shrink(timelyEchoScenario, failure);
      expect(again.plan).to.deep.equal(shrunk.plan);
      expect(again.traceHash).to.equal(shrunk.traceHash);
      // No fault of the shrunk plan can move earlier or go: each candidate was tried.
      for (const [i, fault] of shrunk.plan.faults.entries()) {
        const without = { seed: shrunk.seed, plan: { faults: shrunk.plan.faults.filter((_, j) => j !== i) } };
        const r = await replay(timelyEchoScenario, { version: 1, scenario: timelyEchoScenario, traceHash: '', ...without });
        expect(r.error?.assertion, `without ${JSON.stringify(fault)}`).to.not.equal('replies come within 3 s');
        if (fault.at > 0) {
          const earlier = { seed: shrunk.seed, plan: { faults: shrunk.plan.faults.map((f, j) => (j === i ? { ...f, at: f.at - 1 } : f)) } };
          const e = await replay(timelyEchoScenario, { version: 1, scenario: timelyEchoScenario, traceHash: '', ...earlier });
          expect(e.error?.assertion, `${JSON.stringify(fault)} 1 ms earlier`).to.not.equal('replies come within 3 s');
        }
      }
      expect(statSync(file).size).to.be.below(1024);
      const written = JSON.parse(readFileSync(file, 'utf8'));
      expect(written).to.deep.include({ seed: failure.seed, plan: shrunk.plan, traceHash: shrunk.traceHash, scenario: { module: timelyEchoScenario.module, name: 'timelyEchoScenario' } });
    });

    it('should refuse a failure that does not fail', async () => {
      const error = await shrink(timelyEchoScenario, { seed: 1, plan: { faults: [] } }).then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).to.match(/does not fail/);
    });
  });

  describe('where a scenario lives', () => {
    /** A script that defines a scenario and awaits explore at its top level, as a newcomer would write it. */
    const script = join(dir, 'self-exploring.mjs');
    before(() => writeFileSync(script, [
      `import { defineTask } from ${JSON.stringify(import.meta.resolve('@runtime-traits/core'))};`,
      `import { explore } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};`,
      'export const mine = defineTask(import.meta.url, "mine", async () => {});',
      'const report = await explore(mine, { seeds: 3, workers: Number(process.env.LANES) }).catch((e) => ({ error: e.message }));',
      'console.log(JSON.stringify(report.error ?? { runs: report.runs }));',
    ].join('\n')));

    it('should run the scenario it was given on this thread, though its module is still loading', () => {
      const run = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, LANES: '0' }, timeout: 60_000 });
      expect(run.stdout.trim()).to.equal('{"runs":3}');
      expect(run.status).to.equal(0);
    });

    it('should refuse, not recurse, when the module a worker imports calls explore as it loads', () => {
      const run = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, LANES: '1' }, timeout: 60_000 });
      expect(run.signal, 'ended by itself').to.equal(null);
      // The worker's import runs the script's top level: its explore is refused there (the script
      // catches and prints that), the import completes, and the lane runs the seeds.
      expect(run.stdout.trim().split('\n')).to.deep.equal([
        JSON.stringify("explore was called while a scenario's module was being imported on a worker: a module that defines a scenario must not call explore (or simTest) as it loads, or each worker would start its own explore"),
        '{"runs":3}',
      ]);
    });

    it('should refuse seeds it cannot hold and faults that are not options', async () => {
      const fail = (o: object): Promise<Error | undefined> => explore(timelyEchoScenario, o as never).then(() => undefined, (e: unknown) => e as Error);
      expect(await fail({ seeds: 1e12 })).to.be.instanceOf(RangeError).with.property('message').match(/options\.seeds must be a count from 1 to 10000000/);
      expect(await fail({ seeds: 3, faults: null })).to.be.instanceOf(TypeError).with.property('message').match(/options\.faults/);
      const refused = (p: Promise<unknown>): Promise<Error | undefined> => p.then(() => undefined, (e: unknown) => e as Error);
      const file = { version: 1 as const, scenario: { module: timelyEchoScenario.module, name: 'timelyEchoScenario' }, seed: 1, plan: { faults: [] }, traceHash: 'x' };
      expect(await refused(replay(timelyEchoScenario, file, null as never))).to.be.instanceOf(TypeError).with.property('message').match(/^opts must be/);
      expect(await refused(replay(timelyEchoScenario, { ...file, version: 2 as never }))).to.be.instanceOf(TypeError).with.property('message').match(/version 1/);
      expect(await refused(replay(timelyEchoScenario, { ...file, traceHash: 7 as never }))).to.be.instanceOf(TypeError).with.property('message').match(/traceHash must be a string/);
      expect(await refused(shrink(timelyEchoScenario, file, { file: 1 as never }))).to.be.instanceOf(TypeError).with.property('message').match(/opts\.file must be a file path/);
      expect(await refused(shrink(timelyEchoScenario, file, null as never))).to.be.instanceOf(TypeError).with.property('message').match(/^opts must be/);
    });
  });

  describe('replay and the runtime-traits-sim CLI', () => {
    it('should reproduce the trace hash of the file, from the API and from the one-line command', async () => {
      const file = join(dir, 'shrunk.json');
      const { traceHash } = JSON.parse(readFileSync(file, 'utf8')) as { traceHash: string };
      const result = await replay(timelyEchoScenario, file);
      expect(result).to.deep.include({ traceHash, reproduced: true });
      expect(result.error?.assertion).to.equal('replies come within 3 s');
      const trace = join(dir, 'trace.json');
      const run = spawnSync(process.execPath, [BIN, 'replay', file, '--trace', trace], { encoding: 'utf8' });
      expect(run.status).to.equal(1); // the replayed run fails, as it did
      expect(run.stdout).to.include(`traceHash ${traceHash} (same as the file)`);
      const lines = JSON.parse(readFileSync(trace, 'utf8')) as string[];
      expect(lines.some((l) => l.includes('ALWAYS FAILED replies come within 3 s'))).to.equal(true);
      const out = execFileSync(process.execPath, [BIN, 'view', trace, '-o', join(dir, 'run.html')], { encoding: 'utf8' });
      expect(out).to.match(/2 lanes, \d+ tasks, \d+ arrows, 2 faults, 1 failed assertions/);
    });

    it('should say in one line why it cannot run, and exit 2 (1 is a replay that failed)', () => {
      const garbage = join(dir, 'garbage.json');
      writeFileSync(garbage, '{"trace": nul');
      writeFileSync(join(dir, 'not-a-trace.json'), JSON.stringify({ trace: null }));
      writeFileSync(join(dir, 'no-scenario.json'), JSON.stringify({ version: 1, seed: 1, plan: { faults: [] }, traceHash: 'x', scenario: { module: 'file:///nowhere/at/all.js', name: 'gone' } }));
      const cases: Array<[string[], RegExp]> = [
        [['view', garbage, '-o', join(dir, 'x.html')], /^runtime-traits-sim: cannot read .*garbage\.json: .*JSON/],
        [['view', join(dir, 'not-a-trace.json'), '-o', join(dir, 'x.html')], /is not a trace/],
        [['view', join(dir, 'missing.json'), '-o', join(dir, 'x.html')], /cannot read .*missing\.json: ENOENT/],
        [['replay', join(dir, 'no-scenario.json')], /scenario: importing file:\/\/\/nowhere\/at\/all\.js failed/],
        [['replay', join(dir, 'shrunk.json'), '--trace'], /--trace needs a file name/],
      ];
      for (const [args, message] of cases) {
        const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
        expect(run.status, args.join(' ')).to.equal(2);
        expect(run.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
        expect(run.stderr, args.join(' ')).to.match(message);
      }
    });

    it('should refuse a plan naming a host the scenario does not have: replay() throws naming it, the command exits 2', async () => {
      const ghost = { version: 1 as const, scenario: { module: timelyEchoScenario.module, name: 'timelyEchoScenario' }, seed: 1, plan: { faults: [{ at: 5, kind: 'crash' as const, host: 'ghost' }] }, traceHash: 'x' };
      const error = await replay(timelyEchoScenario, ghost).then(() => undefined, (e: unknown) => e as Error);
      expect(error).to.be.instanceOf(TypeError);
      expect(error!.message).to.match(/^fileOrReplay\.plan\.faults\[0\] names host "ghost", which the simulation of scenario timelyEchoScenario does not have \(hosts: server, client\)/);
      const file = join(dir, 'ghost.json');
      writeFileSync(file, JSON.stringify(ghost));
      const run = spawnSync(process.execPath, [BIN, 'replay', file], { encoding: 'utf8' });
      expect(run.status).to.equal(2);
      expect(run.stdout).to.equal('');
      expect(run.stderr.trim().split('\n')).to.have.length(1);
      expect(run.stderr).to.match(/^runtime-traits-sim: replay file .*ghost\.json: plan\.faults\[0\] names host "ghost"/);
    });

    it('should name the field of a bad replay file and the file once', () => {
      const seedString = join(dir, 'seed-string.json');
      writeFileSync(seedString, JSON.stringify({ version: 1, scenario: { module: timelyEchoScenario.module, name: 'timelyEchoScenario' }, seed: '10', plan: { faults: [] } }));
      const badJson = join(dir, 'bad-json.json');
      writeFileSync(badJson, '{ "version": 1, ');
      for (const [file, message] of [[seedString, /^runtime-traits-sim: replay file \S+seed-string\.json: seed must be the run's seed, a safe integer, got "10"$/], [badJson, /^runtime-traits-sim: cannot read the replay file \S+bad-json\.json: [^:]*JSON[^:]*$/]] as const) {
        const run = spawnSync(process.execPath, [BIN, 'replay', file], { encoding: 'utf8' });
        expect(run.status, file).to.equal(2);
        expect(run.stderr.trim(), file).to.match(message);
      }
    });

    it('should print its usage and exit 2 on a wrong command, and exit 0 when asked for help', () => {
      const run = spawnSync(process.execPath, [BIN, 'paint'], { encoding: 'utf8' });
      expect(run.status).to.equal(2);
      expect(run.stderr).to.include('runtime-traits-sim view <trace.json> -o <page.html>');
      for (const args of [['--help'], ['replay', '--help'], ['view', '--help'], ['view', '-h']]) {
        const help = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
        expect(help.status, args.join(' ')).to.equal(0);
        expect(help.stderr, args.join(' ')).to.include('runtime-traits-sim replay <replay.json>');
      }
    });
  });

  describe('simTest(name, scenario, options)', () => {
    type Body = (this: { timeout(ms: number): void }) => Promise<void>;
    const capture = (register: () => void): Body => {
      const saved = (globalThis as { it?: unknown }).it;
      let body: Body | undefined;
      (globalThis as { it?: unknown }).it = (_title: string, fn: Body) => { body = fn; };
      try { register(); } finally { (globalThis as { it?: unknown }).it = saved; }
      return body!;
    };
    const ctx = { timeout: () => undefined };

    it('should pass when no seed fails', async () => {
      await capture(() => simTest('echo without faults', timelyEchoScenario, { seeds: 4, workers: 0 })).call(ctx);
    });

    it('should fail with the seed, the shrunk plan and the one-line replay command', async () => {
      const replayDir = join(dir, 'replays');
      const body = capture(() => simTest('echo under faults', timelyEchoScenario, { seeds: 30, faults: FAULTS, workers: 2, replayDir }));
      const error = await body.call(ctx).then(() => undefined, (e: unknown) => e as Error & { seed: number; replayFile: string });
      expect(error).to.be.instanceOf(Error);
      expect(error!.seed).to.equal(first.failures[0]!.seed);
      expect(error!.message).to.include(`seed ${first.failures[0]!.seed} failed`);
      expect(error!.message).to.include(`plan:        ${describePlan(first.failures[0]!.plan)}`);
      expect(error!.message).to.match(/shrunk plan: .*\(\d+ runs to shrink\)/);
      expect(error!.message).to.match(/replay: {6}npx runtime-traits-sim replay \S+echo-under-faults-seed-\d+\.json --trace trace\.json/);
      expect(JSON.parse(readFileSync(error!.replayFile, 'utf8')).seed).to.equal(error!.seed);
    });

    it('should quote the replay file in the command when its path has a space, so it can be pasted', async () => {
      const replayDir = join(dir, "my replays, Bob's");
      const body = capture(() => simTest('echo under faults', timelyEchoScenario, { seeds: 30, faults: FAULTS, workers: 0, replayDir }));
      const error = await body.call(ctx).then(() => undefined, (e: unknown) => e as Error & { replayFile: string });
      const command = /replay: {6}(npx runtime-traits-sim replay .*)$/m.exec(error!.message)![1]!;
      const quoted = command.slice('npx runtime-traits-sim replay '.length, -' --trace trace.json'.length);
      // What a POSIX shell makes of it: one word, the file's path.
      const words = execFileSync('sh', ['-c', `printf '%s\\n' ${quoted}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
      expect(words).to.deep.equal([relative(process.cwd(), error!.replayFile)]);
    });

    it('should still report the failure, with a hint, when the same seed does not fail again to be shrunk', async () => {
      const body = capture(() => simTest('thread-dependent', failsOnWorkersOnly, { seeds: 3, workers: 1, replayDir: join(dir, 'replays') }));
      const error = await body.call(ctx).then(() => undefined, (e: unknown) => e as Error & { seed: number });
      expect(error?.seed).to.equal(1);
      expect(error?.message).to.include('thread-dependent: seed 1 failed: seed 1 ran on a worker');
      expect(error?.message).to.match(/not shrunk: {2}shrink: seed 1 .*does not fail/);
      expect(error?.message).to.include('does the scenario depend on something outside its simulation?');
    });

    it('should fail when asked to require every sometimes name', async () => {
      const body = capture(() => simTest('strict', timelyEchoScenario, { seeds: 2, workers: 0, requireSometimes: true }));
      const error = await body.call(ctx).then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).to.match(/never reached over 2 runs: a request was retried, a state no run reaches/);
    });
  });
});
