// A small run of the crash soak (test/soak/crash-soak.ts) in a child process: tasks kill their own
// worker now and then; only those tasks fail, none runs twice, the runtime still serves, and the
// process exits by itself after shutdown.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { CrashSoakReport } from './soak/crash-soak.js';

const SOAK = fileURLToPath(new URL('./soak/crash-soak.js', import.meta.url));

describe('worksteal under worker crashes (quick soak)', function () {
  this.timeout(180_000);

  it('should end every task completed or WorkerCrashedError, run none twice, and fail only the tasks that killed their worker', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [SOAK, '30000', '1000', '2'], { timeout: 170_000 }, (error, out, err) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: out, stderr: err });
      });
    });
    expect(code, `exited by itself with 0\n${stdout}\n${stderr}`).to.equal(0);
    const report = JSON.parse(stdout.split('\n').find((line) => line.startsWith('{'))!) as CrashSoakReport;
    expect(report.killers, 'some tasks kill their worker').to.be.greaterThan(10);
    expect(report).to.include({ tasks: 30000, lost: 0, ranTwice: 0, neverRan: 0, afterwards: 1000 });
    expect(report.wrong).to.deep.equal([]);
    expect(report.completed + report.crashed).to.equal(30000);
    // Only the tasks that ended their own thread fail: tasks another thread had claimed but not yet
    // started (its module still loading) are run elsewhere, not failed with it.
    expect(report.crashed).to.equal(report.killers);
    expect(report.crashedAfterStarting).to.equal(report.crashed);
    expect(report.crashes).to.equal(report.killers);
    expect(report.restarts, 'onWorkerRestart heard of the pool workers replaced').to.be.within(1, report.crashes);
    expect(stdout).to.contain('PASS');
  });
});
