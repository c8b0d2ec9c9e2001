// workerExecArgv: this process's flags minus those that feed the main program and those Node refuses in a worker.
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { workerExecArgv } from '../src/index.js';

describe('workerExecArgv', () => {
  const original = process.execArgv;
  afterEach(() => { process.execArgv = original; });

  function given(argv: string[]): string[] {
    process.execArgv = argv;
    return workerExecArgv();
  }

  it('should pass no flags when the process has none', () => {
    expect(given([])).to.deep.equal([]);
  });

  it('should keep flags a worker takes, with their values', () => {
    const flags = ['--trace-warnings', '--conditions', 'development', '--require', './preload.cjs', '--no-deprecation'];
    expect(given(flags)).to.deep.equal(flags);
  });

  it('should drop --input-type and the program given by -e, --eval, -p or --print', () => {
    expect(given(['--input-type=module', '-e', 'console.log(1)', '--trace-warnings'])).to.deep.equal(['--trace-warnings']);
    expect(given(['--input-type', 'commonjs', '--eval=1', '--print', '-1', '--no-warnings'])).to.deep.equal(['--no-warnings']);
    expect(given(['--trace-uncaught', '-p', 'process.execArgv'])).to.deep.equal(['--trace-uncaught']);
  });

  it('should drop the per-process options and V8 flags that Node refuses in a worker', () => {
    const argv = ['--title', 'my app', '--max-old-space-size=300', '--trace-warnings', '--expose-gc', '--stack-size=900', '--enable-source-maps'];
    expect(given(argv)).to.deep.equal(['--trace-warnings', '--enable-source-maps']);
  });

  it('should give flags that Node then accepts in a real worker', async () => {
    const flags = given(['--title', 'x', '--max-old-space-size=300', '--input-type=module', '--trace-warnings']);
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(process.execArgv)', { eval: true, execArgv: flags });
    const seen = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    await worker.terminate();
    expect(seen).to.deep.equal(['--trace-warnings']);
  });

  it('should follow changes to process.execArgv rather than keep a stale answer', () => {
    expect(given(['--trace-warnings'])).to.deep.equal(['--trace-warnings']);
    expect(given(['--no-warnings'])).to.deep.equal(['--no-warnings']);
  });

  it('should hand out a copy the caller may change', () => {
    const first = given(['--trace-warnings']);
    first.push('--oops');
    expect(workerExecArgv()).to.deep.equal(['--trace-warnings']);
  });
});
