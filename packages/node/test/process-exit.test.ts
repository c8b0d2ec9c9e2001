// A whole program in a child process: after shutdown() it must exit by itself, with code 0.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const CHILD = fileURLToPath(new URL('./fixtures/child-app.js', import.meta.url));
/** Far longer than the program needs; reaching it means a leaked handle kept the process alive. */
const EXIT_DEADLINE_MS = 20_000;

describe('a program using NodeRuntime', () => {
  it('should exit by itself, with code 0, after shutdown()', async function () {
    this.timeout(EXIT_DEADLINE_MS + 5_000);
    const child = spawn(process.execPath, [CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    let killed = false;
    const guard = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, EXIT_DEADLINE_MS);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.on('exit', (c, s) => resolve([c, s]));
    });
    clearTimeout(guard);
    expect(killed, `the program had to be killed; stdout: ${stdout} stderr: ${stderr}`).to.equal(false);
    expect(signal).to.equal(null);
    expect(code, stderr).to.equal(0);
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(report.reply).to.equal('ping');
    expect(report.ticks).to.equal(2);
    expect(report.blockingThread).to.be.a('number').and.not.equal(0);
    expect(report.sleeperState).to.equal('cancelled');
    expect(report.idleConnClosed).to.equal(true);
    expect(report.metrics).to.include({ active: 0, blockingThreads: 0 });
  });
});
