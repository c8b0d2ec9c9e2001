// Runs the distributed example end to end: a real redis-server, two worker processes, the right picture.
import { execFile } from 'node:child_process';
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
});
