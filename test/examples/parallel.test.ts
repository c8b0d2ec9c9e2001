// examples/parallel: the Mandelbrot app renders the same pixels by fork-join on worksteal and prints the speedup.
import { expect } from 'chai';
import { runApp } from './run-app.js';

const APP = 'examples/parallel/dist/src/main.js';

describe('examples/parallel', function () {
  this.timeout(120_000);

  it('should render the same pixels as the sequential version and report a speedup, on worksteal by default', async () => {
    const run = await runApp(APP, ['--size', '300x200', '--iter', '300']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/fork-join \(worksteal runtime\)\s+\d+ ms/);
    expect(run.stdout).to.match(/speedup\s+\d+\.\d\dx/);
    expect(run.stdout).to.match(/same pixels\s+yes/);
    expect(run.stdout.split('\n').filter((line) => line.length === 72)).to.have.length(24);
  });

  it('should run unchanged on the node runtime, where join is sequential', async () => {
    const run = await runApp(APP, ['--runtime', 'node', '--size', '200x100', '--iter', '200']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/same pixels\s+yes/);
  });
});
