// After shutdown() the process exits by itself: checked in a child process with a deadline.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('WorkStealingRuntime shutdown', function () {
  this.timeout(60_000);

  it('stops every thread, so a program that shut the runtime down exits by itself', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/exit-child.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    expect(out).to.contain('done 100 6765');
    expect(code, 'exited by itself (not killed)').to.equal(0);
  });
});
