// The showcase's Tour on the local runtime: every step runs, and virtual time makes the timers free.
import { expect } from 'chai';
import { Container } from 'inversify';
import { runtimeModule } from '@runtime-traits/inversify';
import { LocalRuntime } from '@runtime-traits/local';
import { primesIn, Tour } from '../src/lib/index.js';
import { table } from '../src/table.js';

describe('Tour on the local runtime', function () {
  this.timeout(60_000);

  it('should report the four steps, with an hour slept on the virtual clock', async () => {
    const runtime = await LocalRuntime.create();
    const container = new Container();
    container.load(runtimeModule(runtime));
    container.bind(Tour).toSelf();
    try {
      const steps = await runtime.run(() => container.get(Tour).run());
      expect(steps.map((s) => s.step)).to.deep.equal(['tasks', 'timers', 'tcp', 'parallel']);
      const timers = steps[1]!;
      expect(timers.result).to.equal('slept 1 h, 3 ticks, timeout fired');
      expect(timers.clockMs).to.equal(3_600_000 + 3 * 50 + 20);
      expect(steps[2]!.result).to.match(/^echoed 64 KiB via .* intact$/);
      expect(steps.every((s) => s.where.join() === 'main')).to.equal(true);
      // The parallel job is timed as the best of three runs (after an untimed one): three runs of at
      // least the best one's length fit in the step's wall time.
      const parallel = steps[3]!;
      expect(parallel.result).to.match(/best of 3 runs \d+ ms$/);
      expect(parallel.bestMs).to.be.a('number').and.be.greaterThan(0);
      expect(parallel.bestMs! * 3).to.be.at.most(parallel.wallMs + 1);
    } finally {
      await container.unbindAllAsync();
    }
  });
});

describe('primesIn', () => {
  it('should count the primes of a range, bounds half-open', () => {
    expect([primesIn(0, 10), primesIn(2, 3), primesIn(10, 20), primesIn(7, 7)]).to.deep.equal([4, 1, 4, 0]);
  });
});

describe('table', () => {
  it('should pad columns to their widest cell and right-align where asked', () => {
    expect(table(['a', 'num'], [['xyz', '1'], ['b', '200']], ['left', 'right'])).to.equal(
      'a    num\n───  ───\nxyz    1\nb    200');
  });
});
