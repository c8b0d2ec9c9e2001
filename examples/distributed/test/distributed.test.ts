// Runs the distributed example end to end: a real redis-server, two worker processes, the right picture.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.js');

describe('the distributed example', function () {
  this.timeout(120_000);

  it('should render the same picture as a sequential render, print a stripe count per worker adding up to all stripes, and exit by itself', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [MAIN, '--size', '240x160', '--iter', '300', '--stripes', '12', '--threads', '1'], (error, stdout, stderr) => {
        resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stdout, stderr });
      });
      child.stdin?.end();
    });
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/same pixels as sequential\s+yes/);
    const counts = [...stdout.matchAll(/worker (\d+):\s+(\d+) stripes/g)].map((m) => Number(m[2]));
    expect(counts).to.have.length(2);
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(12);
    expect(stdout).to.match(/total time\s+\d+ ms/);
  });

  it('should name a bad flag and exit 2 before starting anything', async () => {
    for (const [flag, value] of [['--size', 'abc'], ['--stripes', '0'], ['--threads', 'x'], ['--iter', '1e3']]) {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [MAIN, flag!, value!], (error, _stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stderr }));
      });
      expect(code, stderr).to.equal(2);
      expect(stderr).to.match(new RegExp(`^distributed: ${flag} must be`)).and.not.contain('    at ');
    }
  });

  it('should stop its redis-server and workers when it gets SIGTERM mid-run', async () => {
    const child = spawn(process.execPath, [MAIN, '--size', '2400x1600', '--iter', '4000', '--stripes', '32', '--threads', '1'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const children = (): number[] => readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
    let started: number[] = [];
    for (let i = 0; i < 200 && started.length < 3; i++) { await new Promise((r) => setTimeout(r, 100)); started = children(); }
    expect(started, 'redis-server and two workers').to.have.length(3);
    await new Promise((r) => setTimeout(r, 1500)); // the workers are rendering
    child.kill('SIGTERM');
    expect(await exited).to.equal(143);
    expect(started.filter(alive), 'children left running').to.deep.equal([]);
  });
});
