// A thread's slots (SlotOwner) and side results: handles settle from the ring, from a message, or from both halves in either order.
import { expect } from 'chai';
import { CancelledError, WorkerCrashedError, type Runtime } from '@runtime-traits/core';
import { encodeError } from '@runtime-traits/core/kit';
import { TaskSet } from '@runtime-traits/kit';
import { SlotMode } from '../src/memory/layout.js';
import { Shared } from '../src/memory/shared.js';
import { useOf, writeResult } from '../src/memory/slot-payload.js';
import { SlotOwner, type CancelCourier } from '../src/task/owner.js';
import type { RemoteTask } from '../src/task/remote-task.js';
import { deliver } from '../src/task/runner.js';
import { SideResults } from '../src/task/side-results.js';
import { cancelRequested, SlotState, stateOf, tryClaim } from '../src/task/slot-state.js';
import { tinyConfig } from './fixtures/protocol.js';

describe('SideResults', () => {
  it('should finish on the second half, whichever comes first', () => {
    const side = new SideResults();
    expect(side.ofRingEntry(4, { ok: true, value: undefined, side: true }), 'ring entry first').to.equal(undefined);
    expect(side.messageCame(4, { ok: true, value: 'big' })).to.deep.equal({ ok: true, value: 'big' });
    expect(side.messageCame(5, { ok: false, value: 'err' }), 'message first').to.equal(undefined);
    expect(side.ofRingEntry(5, { ok: false, value: undefined, side: true })).to.deep.equal({ ok: false, value: 'err' });
    expect(side.size).to.equal(0);
  });

  it('should pass a result that fits in the slot straight through', () => {
    const side = new SideResults();
    expect(side.ofRingEntry(1, { ok: true, value: 3, side: false })).to.deep.include({ ok: true, value: 3 });
    expect(side.size).to.equal(0);
  });

  it("should finish with the message's outcome when the slot holds a crash its runner's recovery wrote after sending it", () => {
    const side = new SideResults();
    expect(side.messageCame(6, { ok: true, value: 'the real result' })).to.equal(undefined);
    // The runner died before publishing slot 6: recovery wrote a crash into it, which fits the slot.
    expect(side.ofRingEntry(6, { ok: false, value: 'crashed', side: false })).to.deep.equal({ ok: true, value: 'the real result' });
    expect(side.size, 'nothing left for the next task in slot 6').to.equal(0);
    expect(side.ofRingEntry(6, { ok: true, value: undefined, side: true }), "the next task's ring entry waits for its own message").to.equal(undefined);
  });

  it('should hand a synchronous waiter the message once, and list the slots still waiting for a message', () => {
    const side = new SideResults();
    side.messageCame(7, { ok: true, value: 1 });
    expect(side.takeMessage(8)).to.equal(undefined);
    expect(side.takeMessage(7)).to.deep.equal({ ok: true, value: 1 });
    expect(side.takeMessage(7)).to.equal(undefined);
    side.entrySeen(2);
    side.entrySeen(3);
    expect(side.takeAwaitingMessage((slot) => slot === 3)).to.deep.equal([3]);
    expect(side.size).to.equal(1);
  });
});

describe('SlotOwner', () => {
  let shared: Shared;
  let set: TaskSet;
  const calls: string[] = [];
  const courier: CancelCourier = {
    sendReason: (runner, slot, reason) => calls.push(`reason to ${runner} (flag ${cancelRequested(shared.slots, slot)}): ${String(reason)}`),
    abortHere: () => calls.push('abort here'),
  };
  beforeEach(() => {
    shared = Shared.create({ ...tinyConfig(2), workerSlots: 3 });
    set = new TaskSet({} as Runtime);
    calls.length = 0;
  });

  /** A task of `owner` in a fresh slot, as a spawn makes it. */
  function spawnInto(owner: SlotOwner, args: unknown[]): { slot: number; cell: RemoteTask<unknown> } {
    const slot = owner.alloc();
    const cell = set.create(undefined, owner.makeCell) as RemoteTask<unknown>;
    expect(owner.write(slot, 0, args, SlotMode.TASK)).to.equal(true);
    owner.adopt(slot, cell);
    return { slot, cell };
  }

  /** What a runner on endpoint `runner` does with it. */
  function runElsewhere(slot: number, runner: number, ok: boolean, value: unknown): void {
    expect(tryClaim(shared.slots, slot, runner)).to.equal(true);
    writeResult(shared.slots, shared.payload, slot, ok, value);
    deliver(shared, slot, 0, SlotMode.TASK);
  }

  it('should hand out only its own range, say when it is full, and take slots back', () => {
    const owner = new SlotOwner(shared, 1, true, courier); // worker 1: 3 slots after main's 2
    const got = [owner.alloc(), owner.alloc(), owner.alloc(), owner.alloc()];
    expect(got).to.deep.equal([2, 3, 4, -1]);
    expect([owner.owns(2), owner.owns(5), owner.inFlight]).to.deep.equal([true, false, 3]);
    owner.release(3);
    expect([owner.inFlight, owner.alloc()]).to.deep.equal([2, 3]);
  });

  it('should settle handles from its completion ring (value and error), and free their slots', async () => {
    const owner = new SlotOwner(shared, 0, true, courier);
    const a = spawnInto(owner, [1]);
    const b = spawnInto(owner, [2]);
    expect(a.cell.state, 'queued').to.equal('pending');
    runElsewhere(a.slot, 1, true, 'done');
    expect(a.cell.state, 'claimed: read from shared memory').to.equal('running');
    runElsewhere(b.slot, 2, false, new RangeError('bad'));
    expect(owner.drain()).to.equal(2);
    expect(await a.cell.handle).to.equal('done');
    const error = await b.cell.handle.then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError).and.have.property('message', 'bad');
    expect(owner.inFlight).to.equal(0);
  });

  it('should settle a big result once both its ring entry and its message came, in either order', async () => {
    const owner = new SlotOwner(shared, 0, true, courier);
    const big = 'x'.repeat(1000);
    const early = spawnInto(owner, []);
    const late = spawnInto(owner, []);
    expect(owner.sideResultCame(early.slot, useOf(shared.slots, early.slot), true, big), 'message before ring entry').to.equal(false);
    runElsewhere(early.slot, 1, true, big);
    runElsewhere(late.slot, 1, false, new Error('e'.repeat(1000)));
    owner.drain();
    expect(early.cell.state).to.equal('completed');
    expect(late.cell.state, 'its error came shortened through the slot').to.equal('failed');
    const failed = spawnInto(owner, []);
    expect(tryClaim(shared.slots, failed.slot, 1)).to.equal(true);
    writeResult(shared.slots, shared.payload, failed.slot, true, big); // does not fit: SIDE
    deliver(shared, failed.slot, 0, SlotMode.TASK);
    owner.drain();
    expect(failed.cell.state, 'ring entry alone').to.equal('running');
    expect(owner.sideResultCame(failed.slot, useOf(shared.slots, failed.slot), false, encodeError(new TypeError('as a record')))).to.equal(true);
    const error = await failed.cell.handle.then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError).and.have.property('message', 'as a record');
    expect(await early.cell.handle).to.equal(big);
    expect(owner.inFlight).to.equal(0);
  });

  it("should tell a result message from a dead runner's earlier task in the slot apart from the next task's", async () => {
    const owner = new SlotOwner(shared, 0, true, courier);
    const big = 'x'.repeat(1000);
    // The runner sent a big result, then died before publishing the slot; recovery wrote a crash there.
    const sent = spawnInto(owner, []);
    expect(owner.sideResultCame(sent.slot, useOf(shared.slots, sent.slot), true, big)).to.equal(false);
    runElsewhere(sent.slot, 1, false, new WorkerCrashedError('worker 0 died'));
    owner.drain();
    expect(await sent.cell.handle, 'the task had finished: its message says how').to.equal(big);

    // Same, but the message comes after the crash finished the task: too late, dropped.
    const late = spawnInto(owner, []);
    const lateUse = useOf(shared.slots, late.slot);
    runElsewhere(late.slot, 1, false, new WorkerCrashedError('worker 0 died'));
    owner.drain();
    expect(late.cell.state).to.equal('failed');
    expect(owner.sideResultCame(late.slot, lateUse, true, 'stale'), 'slot free').to.equal(false);
    const next = spawnInto(owner, []);
    expect(next.slot, 'the free list hands the slot out again').to.equal(late.slot);
    expect(owner.sideResultCame(next.slot, lateUse, true, 'stale'), 'slot holds the next task').to.equal(false);
    expect(tryClaim(shared.slots, next.slot, 1)).to.equal(true);
    writeResult(shared.slots, shared.payload, next.slot, true, big); // does not fit: by message
    deliver(shared, next.slot, 0, SlotMode.TASK);
    owner.drain();
    expect(next.cell.state, 'waits for its own message').to.equal('running');
    expect(owner.sideResultCame(next.slot, useOf(shared.slots, next.slot), true, `${big}!`)).to.equal(true);
    expect(await next.cell.handle).to.equal(`${big}!`);
    expect(owner.inFlight).to.equal(0);
  });

  it('should take back a queued task on cancel and free its slot only when the number comes home', async () => {
    const owner = new SlotOwner(shared, 0, true, courier);
    const t = spawnInto(owner, [1]);
    await t.cell.cancel('stop');
    expect(t.cell.state).to.equal('cancelled');
    expect(stateOf(shared.slots, t.slot)).to.equal(SlotState.CANCELLED);
    expect(owner.inFlight, 'its number is still in a queue').to.equal(1);
    expect(tryClaim(shared.slots, t.slot, 1), 'whoever pops it skips it').to.equal(false);
    shared.rings[0]!.push(t.slot); // handed back
    owner.drain();
    expect([owner.inFlight, stateOf(shared.slots, t.slot)]).to.deep.equal([0, SlotState.FREE]);
    expect(calls, 'nothing sent: it never ran').to.deep.equal([]);
  });

  it('should send the reason before raising the flag of a running task, and abort here when it runs here', async () => {
    const main = new SlotOwner(shared, 0, true, courier);
    const t = spawnInto(main, [1]);
    tryClaim(shared.slots, t.slot, 2);
    void t.cell.cancel('why');
    expect(calls).to.deep.equal(['reason to 2 (flag false): why']);
    expect(cancelRequested(shared.slots, t.slot)).to.equal(true);
    writeResult(shared.slots, shared.payload, t.slot, true, 'finished anyway');
    deliver(shared, t.slot, 0, SlotMode.TASK);
    main.drain();
    const error = await t.cell.handle.then(() => null, (e: unknown) => e);
    expect(error, 'a cancelled task rejects whatever its body returned').to.be.instanceOf(CancelledError);

    calls.length = 0;
    const worker = new SlotOwner(shared, 1, true, courier);
    const own = spawnInto(worker, [2]);
    tryClaim(shared.slots, own.slot, 1);
    void own.cell.cancel('mine');
    expect(calls).to.deep.equal(['reason to 1 (flag false): mine', 'abort here']);
  });

  it('should run its own queued task straight through the handle (takeOwn), or free it if it was cancelled meanwhile', async () => {
    const worker = new SlotOwner(shared, 1, true, courier);
    const def = { module: 'file:///t.js', name: 't', fn: () => 1 };
    const slot = worker.alloc();
    const cell = set.create(undefined, worker.makeCell) as RemoteTask<unknown>;
    worker.write(slot, 0, [5], SlotMode.TASK);
    worker.adopt(slot, cell, def, [5]);
    expect(worker.ownCell(slot)).to.equal(cell);
    expect(worker.argsOf(slot)).to.deep.equal([5]);
    expect(worker.takeOwn(slot)).to.equal(true);
    expect([worker.takenDef, worker.takenArgs, cell.slot, worker.inFlight]).to.deep.equal([def, [5], -1, 0]);
    const second = spawnInto(worker, [6]);
    await second.cell.cancel();
    expect(worker.takeOwn(second.slot), 'cancelled while queued').to.equal(false);
    expect(worker.inFlight).to.equal(0);
    expect(worker.ownCell(0), "another owner's slot").to.equal(undefined);
  });

  it('should leave the slots a dead thread still had in flight to come home, when it is a replacement', () => {
    const first = new SlotOwner(shared, 1, true, courier);
    const kept = spawnInto(first, [1]);
    const replacement = new SlotOwner(shared, 1, false, courier);
    expect(replacement.inFlight, 'the queued slot is not free').to.equal(1);
    expect(replacement.alloc()).to.not.equal(kept.slot);
  });
});
