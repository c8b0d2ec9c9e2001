// Programs started with flags that worker threads reject (`--input-type` with -e or stdin, per-process
// and V8 flags) still run blocking and parallel tasks; a worker that cannot start fails loud and clear.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const TEST_DIR = fileURLToPath(new URL('../../', import.meta.url));
const TASKS = new URL('./fixtures/tasks.js', import.meta.url).href;
const FAIL_IN_WORKERS = new URL('./fixtures/fail-in-workers.js', import.meta.url).href;

type RuntimeName = 'node' | 'worksteal';

/** The program a user would type: make the runtime, run a blocking task (and, on worksteal, a spawned one), report. */
function program(runtime: RuntimeName): string {
  const make = runtime === 'node'
    ? `const { NodeRuntime } = await import('@runtime-traits/node'); const rt = await NodeRuntime.create({ blockingThreads: 1 });`
    : `const { WorkStealingRuntime } = await import('@runtime-traits/worksteal'); const rt = await WorkStealingRuntime.create({ workers: 1, blockingThreads: 1 });`;
  return `
    const { flagsHere } = await import(${JSON.stringify(TASKS)});
    const report = {};
    try {
      ${make}
      try {
        report.blocking = await rt.executor.spawnBlocking(flagsHere, [21]);
        if (rt.name === 'worksteal') report.spawned = await rt.executor.spawn(flagsHere, [4]);
      } catch (error) {
        report.taskError = { name: error.name, code: error.code, message: error.message };
      } finally {
        await rt.shutdown();
      }
    } catch (error) {
      report.createError = { name: error.name, code: error.code, message: error.message };
    }
    console.log(JSON.stringify(report));
  `;
}

interface Outcome {
  code: number | null;
  stderr: string;
  report: {
    blocking?: { thread: number; execArgv: string[]; doubled: number };
    spawned?: { thread: number; execArgv: string[]; doubled: number };
    taskError?: { name: string; code: string; message: string };
    createError?: { name: string; code: string; message: string };
  } | undefined;
}

/** Runs the program with `flags`, given as `-e` or piped to stdin. */
function runChild(runtime: RuntimeName, flags: string[], how: '-e' | 'stdin'): Promise<Outcome> {
  const source = program(runtime);
  const args = how === '-e' ? [...flags, '-e', source] : flags;
  const child = spawn(process.execPath, args, { cwd: TEST_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.end(how === 'stdin' ? source : undefined);
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(guard);
      const last = stdout.trim().split('\n').pop();
      let report: Outcome['report'];
      try {
        report = last ? JSON.parse(last) as Outcome['report'] : undefined;
      } catch {
        report = undefined;
      }
      resolve({ code, stderr, report });
    });
  });
}

describe('worker threads started from a program with flags workers reject', function () {
  this.timeout(90_000);

  for (const runtime of ['node', 'worksteal'] as const) {
    describe(`on the ${runtime} runtime`, () => {
      for (const how of ['-e', 'stdin'] as const) {
        it(`should run tasks on workers when started as node --input-type=module ${how === '-e' ? "-e '…'" : '< script'}`, async () => {
          const out = await runChild(runtime, ['--trace-warnings', '--input-type=module'], how);
          expect(out.code, out.stderr).to.equal(0);
          expect(out.report?.createError, out.stderr).to.equal(undefined);
          expect(out.report?.taskError, out.stderr).to.equal(undefined);
          const ran = runtime === 'worksteal' ? [out.report!.blocking!, out.report!.spawned!] : [out.report!.blocking!];
          for (const r of ran) {
            expect(r.thread, 'ran on a worker thread').to.not.equal(0);
            // The worker keeps the parent's other flags and drops what only fed the main program.
            expect(r.execArgv).to.include('--trace-warnings');
            expect(r.execArgv.join(' ')).to.not.match(/--input-type|--eval|(^| )-e( |$)/);
          }
          expect(out.report!.blocking!.doubled).to.equal(42);
        });
      }

      it('should run tasks on workers when the program has per-process and V8 flags', async () => {
        const out = await runChild(runtime, ['--title=rt-flags-test', '--max-old-space-size=512', '--expose-gc', '--input-type=module'], '-e');
        expect(out.code, out.stderr).to.equal(0);
        expect(out.report?.blocking?.doubled, out.stderr).to.equal(42);
        expect(out.report!.blocking!.execArgv).to.deep.equal([]);
      });

      it('should report a worker that cannot start as a WorkerCrashedError, never a crash', async () => {
        const out = await runChild(runtime, ['--import', FAIL_IN_WORKERS, '--input-type=module'], 'stdin');
        expect(out.code, out.stderr).to.equal(0);
        const error = runtime === 'node' ? out.report?.taskError : out.report?.createError;
        expect(error, out.stderr).to.include({ name: 'WorkerCrashedError', code: 'ERR_WORKER_CRASHED' });
        expect(error!.message).to.match(/could not start/).and.match(/refuses to run in a worker thread/);
      });
    });
  }
});
