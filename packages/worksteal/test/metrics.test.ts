// metrics() and capabilities: the kit's counters plus the pool's own (per worker, steals, parks, wakes, depths).
import { expect } from 'chai';
import { WorkStealingRuntime } from '../src/index.js';
import { add } from './fixtures/tasks.js';

describe('WorkStealingRuntime metrics and capabilities', function () {
  this.timeout(30_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 2, queueCapacity: 4 }); });
  after(() => rt.shutdown());

  it('counts every task, per worker too, and reports empty queues once all are done', async () => {
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => rt.executor.spawn(add, [i, 1])));
    expect(results[499]).to.equal(500);
    expect(rt.metrics()).to.include({ spawned: 500, completed: 500, failed: 0, cancelled: 0, active: 0, queueDepth: 0, injectorDepth: 0 });
    // A worker publishes its own counters at the end of a batch, which may be just after the main
    // thread received the batch's last result: they are read once they have caught up.
    const settled = (): boolean => {
      const now = rt.metrics();
      return (now.tasksPerWorker as number[]).reduce((a, b) => a + b, 0) >= 500 && (now.parks as number) > 0;
    };
    for (const until = Date.now() + 5000; !settled() && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 5));
    const m = rt.metrics();
    const perWorker = m.tasksPerWorker as number[];
    expect(perWorker).to.have.length(2);
    expect(perWorker.reduce((a, b) => a + b, 0)).to.be.at.least(500);
    expect(m.dequeDepths).to.deep.equal([0, 0]);
    for (const key of ['steals', 'parks', 'wakes']) expect(m[key], key).to.be.a('number');
    expect(m.parks as number, 'idle workers park').to.be.greaterThan(0);
  });

  it('takes more tasks at once than it has slots: the rest wait in a backlog and all complete', async () => {
    // 4x the main thread's slots in one go: thousands wait in the backlog and are resubmitted as slots free.
    const small = await WorkStealingRuntime.create({ workers: 2, mainSlots: 16384 });
    try {
      const results = await Promise.all(Array.from({ length: 65_536 }, (_, i) => small.executor.spawn(add, [i, 1])));
      expect(results.every((v, i) => v === i + 1)).to.equal(true);
      expect(small.metrics()).to.include({ completed: 65_536, active: 0, queueDepth: 0 });
    } finally {
      await small.shutdown();
    }
  });

  it('claims parallel spawn and join, blocking threads, and the reactor\'s network capabilities', () => {
    for (const cap of ['spawn.parallel', 'spawn.blocking', 'join.parallel', 'net.tcp', 'net.udp', 'net.dns', 'net.tls'] as const) {
      expect(rt.capabilities.has(cap), cap).to.equal(true);
    }
    expect(rt.capabilities.has('time.virtual')).to.equal(false);
    expect(rt.name).to.equal('worksteal');
  });

  it('rejects bad options with the argument named', async () => {
    let error: unknown;
    try { await WorkStealingRuntime.create({ workers: 0 }); } catch (e) { error = e; }
    expect(error).to.be.instanceOf(RangeError);
    expect((error as Error).message).to.contain('opts.workers');
    error = undefined;
    try { await WorkStealingRuntime.create({ queueCapacity: 6 }); } catch (e) { error = e; }
    expect(error).to.be.instanceOf(RangeError);
    expect((error as Error).message).to.contain('opts.queueCapacity');
  });

  it('rejects bad worker resource limits with the field named, before starting any thread', async () => {
    const cases: Array<[unknown, typeof TypeError | typeof RangeError, string]> = [
      [{ maxOldGenerationSizeMb: -1 }, RangeError, 'opts.resourceLimits.maxOldGenerationSizeMb'],
      [{ maxYoungGenerationSizeMb: Number.NaN }, RangeError, 'opts.resourceLimits.maxYoungGenerationSizeMb'],
      [{ stackSizeMb: Infinity }, RangeError, 'opts.resourceLimits.stackSizeMb'],
      [{ codeRangeSizeMb: 'big' }, TypeError, 'opts.resourceLimits.codeRangeSizeMb'],
      [{ bogusField: 1 }, TypeError, 'opts.resourceLimits.bogusField'],
      ['48', TypeError, 'opts.resourceLimits'],
    ];
    for (const [resourceLimits, type, named] of cases) {
      let error: unknown;
      try { await WorkStealingRuntime.create({ workers: 1, resourceLimits: resourceLimits as never }); } catch (e) { error = e; }
      expect(error, JSON.stringify(resourceLimits)).to.be.instanceOf(type).with.property('message').that.contains(named);
    }    // 0 is the engine's default, as Node reports it for a worker started without limits.
    const defaults = await WorkStealingRuntime.create({ workers: 1, resourceLimits: { maxYoungGenerationSizeMb: 0, codeRangeSizeMb: 0 } });
    await defaults.shutdown();
  });
});
