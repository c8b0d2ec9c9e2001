// Liveness (threads/liveness.ts): the word marks each thread's death once, for its own epoch only; a busy thread is never taken for dead.
import { expect } from 'chai';
import { WorkerCrashedError } from '@runtime-traits/core';
import { E, G } from '../src/memory/layout.js';
import { Shared } from '../src/memory/shared.js';
import { readResult, writeResult } from '../src/memory/slot-payload.js';
import { beginEpoch, deathOf, deathsMarked, describeDeath, markDead, Why } from '../src/threads/liveness.js';
import { WorkStealingRuntime } from '../src/index.js';
import { add, blockFor, spinAfterAwait, spinFor } from './fixtures/tasks.js';

describe('worksteal liveness word', () => {
  let shared: Shared;
  beforeEach(() => { shared = Shared.create({ workers: 2, blocking: 1, queueCapacity: 4, mainSlots: 2, workerSlots: 2, blockingSlots: 2 }); });

  it('marks a death once: the first marker wins, and each mark counts in G.DEATHS', () => {
    beginEpoch(shared, 1, 1);
    expect(deathOf(shared, 1, 1)).to.equal(Why.ALIVE);
    expect(markDead(shared, 1, 1, Why.EXITED)).to.equal(true);
    expect(markDead(shared, 1, 1, Why.PORT_CLOSED)).to.equal(false); // (the watchdog, after the thread's own mark)
    expect(deathOf(shared, 1, 1)).to.equal(Why.EXITED);
    expect(deathsMarked(shared)).to.equal(1);
    expect(Atomics.load(shared.control, G.DEATHS)).to.equal(1);
  });

  it('never lets a late mark of a dead epoch touch its replacement, nor another endpoint', () => {
    beginEpoch(shared, 1, 1);
    beginEpoch(shared, 2, 1);
    beginEpoch(shared, 1, 2); // endpoint 1's thread was replaced before its old port's close arrived
    expect(markDead(shared, 1, 1, Why.PORT_CLOSED)).to.equal(false);
    expect(deathOf(shared, 1, 2)).to.equal(Why.ALIVE);
    expect(deathOf(shared, 1, 1), 'an epoch no longer on the endpoint reads alive').to.equal(Why.ALIVE);
    expect(deathOf(shared, 2, 1)).to.equal(Why.ALIVE);
    expect(deathsMarked(shared)).to.equal(0);
    expect(markDead(shared, 1, 2, Why.CUT_SHORT)).to.equal(true);
    expect(deathOf(shared, 1, 2)).to.equal(Why.CUT_SHORT);
    expect(deathOf(shared, 2, 1)).to.equal(Why.ALIVE);
  });

  it('names each cause in full in the WorkerCrashedError a slot carries (errors are cut to fit a slot)', () => {
    Atomics.store(shared.control, shared.layout.endpointBase(2) + E.EXIT_CODE, 255); // the longest exit code
    for (const why of [Why.PORT_CLOSED, Why.EXITED, Why.CUT_SHORT]) {
      const cause = new Error(describeDeath(shared, 2, why));
      // (as threads/recovery.ts words it, for the highest endpoint number there can be)
      const message = `blocking thread 511 died: ${cause.message}`;
      expect(writeResult(shared.slots, shared.payload, 0, false, new WorkerCrashedError(message, { cause }))).to.equal(true);
      const back = readResult(shared.slots, shared.payload, 0);
      expect((back.value as Error).message, `why ${why}`).to.equal(message);
    }
    expect(describeDeath(shared, 2, Why.EXITED)).to.contain('process.exit(255)');
  });

  it('wakes a parked main thread when it marks a death', () => {
    const parker = shared.parker;
    beginEpoch(shared, 1, 1);
    parker.prepareParking(0);
    markDead(shared, 1, 1, Why.PORT_CLOSED);
    expect(Atomics.load(shared.control, parker.parkWord(0)), 'the park word was set for a waker').to.equal(1);
  });
});

describe('WorkStealingRuntime with busy threads', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  beforeEach(async () => { rt = await WorkStealingRuntime.create({ workers: 2, blockingThreads: 1 }); });
  afterEach(() => rt.shutdown());

  // No beat, no message, no event-loop turn for seconds: a thread that is merely busy must still be alive.
  it('never takes a thread busy for seconds (in a body, after an await, blocked in Atomics.wait) for dead', async () => {
    const busy = [
      rt.executor.spawn(spinFor, [2_000]),
      rt.executor.spawn(spinAfterAwait, [2_000]),
      rt.executor.spawnBlocking(blockFor, [2_000]),
    ];
    expect((await Promise.all(busy)).every((id) => typeof id === 'number' && id > 0)).to.equal(true);
    expect(rt.metrics().crashes).to.equal(0);
  });

  it('never takes a thread busy for seconds for dead while the main thread is blocked in join', async () => {
    // a runs here long enough for a worker to take b; then the main thread waits for b, blocked,
    // looking for deaths every few ms.
    const [here, there] = rt.executor.join(spinFor, [300], spinFor, [2_000]);
    expect(here, 'a ran on the main thread').to.equal(0);
    expect(there).to.be.a('number').above(0);
    expect(rt.metrics().crashes).to.equal(0);
    expect(await rt.executor.spawn(add, [2, 3])).to.equal(5);
  });
});
