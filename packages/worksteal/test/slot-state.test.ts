// The slot state word: each transition alone, then owner, runners and a sleeping joiner racing on tiny queues and slot ranges.
import { expect } from 'chai';
import { TaskSet } from '@runtime-traits/kit';
import type { Runtime, TaskState } from '@runtime-traits/core';
import { SLOT_WORDS, SlotMode } from '../src/memory/layout.js';
import { readResult } from '../src/memory/slot-payload.js';
import { SlotOwner } from '../src/task/owner.js';
import type { RemoteTask } from '../src/task/remote-task.js';
import {
  announceWaiter, cancelRequested, claimOrderOf, isLoading, isStarted, markFree, markLoaded, markLoading, markQueued, publishDone,
  putBackUnstarted, raiseCancel, runnerOf, SlotState, startOn, stateOf, tryClaim, tryTakeBack, waitWhileRunning,
} from '../src/task/slot-state.js';
import { harness, tinyConfig } from './fixtures/protocol.js';

const courier = { sendReason: (): void => {}, abortHere: (): void => {} };

describe('slot state', () => {
  describe('each transition', () => {
    let slots: Int32Array;
    beforeEach(() => {
      slots = new Int32Array(new SharedArrayBuffer(2 * SLOT_WORDS * 4));
      slots.fill(77); // what a previous task might have left behind
      markFree(slots, 1);
    });

    it('should queue a slot with no runner, no cancel flag and no waiter left from its last task', () => {
      markQueued(slots, 1);
      expect(stateOf(slots, 1)).to.equal(SlotState.QUEUED);
      expect([runnerOf(slots, 1), cancelRequested(slots, 1), isStarted(slots, 1)]).to.deep.equal([-1, false, false]);
      expect(publishDone(slots, 1), 'no joiner announced itself').to.equal(false);
    });

    it('should let exactly one claim win, and the owner not take back a claimed task', () => {
      markQueued(slots, 1);
      expect(tryClaim(slots, 1, 3)).to.equal(true);
      expect(tryClaim(slots, 1, 4)).to.equal(false);
      expect(tryTakeBack(slots, 1)).to.equal(false);
      expect([stateOf(slots, 1), isStarted(slots, 1)]).to.deep.equal([SlotState.RUNNING, true]);
    });

    it('should let the owner take back a queued task, after which no claim wins', () => {
      markQueued(slots, 1);
      expect(tryTakeBack(slots, 1)).to.equal(true);
      expect(tryTakeBack(slots, 1)).to.equal(false);
      expect(tryClaim(slots, 1, 2)).to.equal(false);
      expect([stateOf(slots, 1), isStarted(slots, 1)]).to.deep.equal([SlotState.CANCELLED, false]);
    });

    it('should start a task sent by message on its runner, with the cancel flag down', () => {
      raiseCancel(slots, 1);
      startOn(slots, 1, 5);
      expect([stateOf(slots, 1), runnerOf(slots, 1), cancelRequested(slots, 1)]).to.deep.equal([SlotState.RUNNING, 5, false]);
    });

    it('should report a joiner that announced it may sleep when DONE is published', () => {
      markQueued(slots, 1);
      tryClaim(slots, 1, 2);
      announceWaiter(slots, 1);
      expect(waitWhileRunning(slots, 1, 1), 'nobody published yet').to.equal('timed-out');
      expect(publishDone(slots, 1)).to.equal(true);
      expect(waitWhileRunning(slots, 1, 1000), 'DONE: no wait at all').to.equal('not-equal');
      expect(isStarted(slots, 1)).to.equal(true);
    });

    it('should raise the cancel flag for good and name the runner', () => {
      markQueued(slots, 0);
      markQueued(slots, 1);
      tryClaim(slots, 1, 6);
      expect(raiseCancel(slots, 1)).to.equal(6);
      expect(cancelRequested(slots, 1)).to.equal(true);
      expect(cancelRequested(slots, 0), 'other slots untouched').to.equal(false);
    });

    it('should put back a claimed task whose runner died while loading its def, keeping its cancel flag and waiter', () => {
      markQueued(slots, 1);
      tryClaim(slots, 1, 4);
      markLoading(slots, 1, 0);
      raiseCancel(slots, 1);
      announceWaiter(slots, 1);
      expect([isLoading(slots, 1), isStarted(slots, 1)]).to.deep.equal([true, true]);
      expect(putBackUnstarted(slots, 1)).to.equal(true);
      expect([stateOf(slots, 1), runnerOf(slots, 1), isLoading(slots, 1), cancelRequested(slots, 1), isStarted(slots, 1)])
        .to.deep.equal([SlotState.QUEUED, -1, false, true, false]);
      expect(tryClaim(slots, 1, 5), 'another thread may claim it now').to.equal(true);
      expect(publishDone(slots, 1), 'the joiner is still reported').to.equal(true);
    });

    it('should leave a started task to fail: no put-back once the body started (markLoaded) or if it never loaded', () => {
      markQueued(slots, 0);
      tryClaim(slots, 0, 4);
      expect(putBackUnstarted(slots, 0), 'def was already known: never marked').to.equal(false);
      markQueued(slots, 1);
      tryClaim(slots, 1, 4);
      markLoading(slots, 1, 0);
      raiseCancel(slots, 1);
      markLoaded(slots, 1);
      expect([isLoading(slots, 1), cancelRequested(slots, 1)], 'the cancel flag survives markLoaded').to.deep.equal([false, true]);
      expect(putBackUnstarted(slots, 1)).to.equal(false);
      expect([stateOf(slots, 0), runnerOf(slots, 0), stateOf(slots, 1), runnerOf(slots, 1)])
        .to.deep.equal([SlotState.RUNNING, 4, SlotState.RUNNING, 4]);
    });

    it('should keep the claim order of a slot marked loading until it starts or is put back', () => {
      markQueued(slots, 1);
      tryClaim(slots, 1, 4);
      markLoading(slots, 1, 0x1234567);
      raiseCancel(slots, 1);
      expect([claimOrderOf(slots, 1), isLoading(slots, 1), cancelRequested(slots, 1)]).to.deep.equal([0x1234567, true, true]);
      markLoaded(slots, 1);
      expect([claimOrderOf(slots, 1), isLoading(slots, 1), cancelRequested(slots, 1)], 'markLoaded clears the order, not the cancel flag').to.deep.equal([0, false, true]);
      markLoading(slots, 1, 3);
      expect(putBackUnstarted(slots, 1)).to.equal(true);
      expect([claimOrderOf(slots, 1), isLoading(slots, 1), cancelRequested(slots, 1)], 'put back: no order left behind').to.deep.equal([0, false, true]);
    });

    it('should clear the loading mark of the last task when a slot is queued again', () => {
      markQueued(slots, 1);
      tryClaim(slots, 1, 4);
      markLoading(slots, 1, 0);
      markQueued(slots, 1);
      expect(isLoading(slots, 1)).to.equal(false);
    });
  });

  describe('under concurrency, at tiny capacities (2 slots, queues of 8 and 2 cells)', function () {
    this.timeout(180_000);

    /** Runs `tasks` tasks through the main thread's 2 slots and `runners` runner threads; `takeBackEvery` tries a take-back on every n-th. */
    async function race(mode: SlotMode, tasks: number, takeBackEvery: number) {
      const h = harness(tinyConfig(3));
      const { shared } = h;
      const runs = new SharedArrayBuffer(tasks * 4);
      const reports = [1, 2, 3].map((me) => h.start<{ ran: number }>({ role: 'slot-runner', me, runs }));
      await h.ready(3);
      const owner = new SlotOwner(shared, 0, true, courier);
      const set = new TaskSet({} as Runtime);
      const takenBack = new Uint8Array(tasks);
      const results = new Array<unknown>(tasks);
      const cells: Array<RemoteTask<unknown> | undefined> = [];
      let lostWakeUps = 0;
      const nextSlot = (): number => {
        for (;;) {
          const slot = owner.alloc();
          if (slot >= 0) return slot;
          owner.drain(); // completions (and skipped slots coming home) free slots
        }
      };
      for (let id = 0; id < tasks; id++) {
        const slot = nextSlot();
        expect(owner.write(slot, 0, [id], mode)).to.equal(true);
        if (mode === SlotMode.TASK) {
          const cell = set.create(undefined, owner.makeCell) as RemoteTask<unknown>;
          owner.adopt(slot, cell);
          cells[id] = cell;
        }
        while (!shared.injector.push(slot)) { /* full: runners drain it */ }
        if (id % takeBackEvery === 0) {
          // Every other attempt waits for a runner to claim it first (up to 50 ms), so both sides win sometimes.
          if ((id / takeBackEvery) % 2 === 1) for (const until = Date.now() + 50; !owner.started(slot) && Date.now() < until;) { /* wait */ }
          if (tryTakeBackOrCancel(owner, cells[id], slot)) takenBack[id] = 1;
        }
        if (mode === SlotMode.JOIN && !takenBack[id]) {
          // The joiner: wait for DONE, announcing itself and sleeping on STATE as the main thread's join does.
          // (How long it looks before it announces itself varies, so announcements land all over the runner's publish.)
          const looks = (id * 37) % 3000;
          for (let look = 0; stateOf(shared.slots, slot) !== SlotState.DONE; look++) {
            if (look < looks) continue;
            announceWaiter(shared.slots, slot);
            if (waitWhileRunning(shared.slots, slot, 5_000) === 'timed-out') lostWakeUps++;
          }
          const result = readResult(shared.slots, shared.payload, slot);
          results[id] = result.value;
          owner.release(slot);
        }
      }
      while (owner.inFlight > 0) owner.drain();
      h.stop();
      const ran = (await Promise.all(reports)).reduce((n, r) => n + r.ran, 0);
      const counts = new Int32Array(runs);
      return { shared, owner, takenBack, results, cells, counts, ran, lostWakeUps };
    }

    function tryTakeBackOrCancel(owner: SlotOwner, cell: RemoteTask<unknown> | undefined, slot: number): boolean {
      if (!cell) return owner.tryCancelQueued(slot);
      void cell.cancel('test'); // takes it back if still queued; else raises the cancel flag of a running task
      return cell.state === 'cancelled' && !owner.started(slot);
    }

    it('should run every task exactly once or have its owner take it back, never both, and bring every slot home (TASK)', async () => {
      const tasks = 4000;
      const { shared, owner, takenBack, cells, counts, ran } = await race(SlotMode.TASK, tasks, 3);
      const wrong: string[] = [];
      let backs = 0;
      for (let id = 0; id < tasks && wrong.length < 5; id++) {
        const cell = cells[id]!;
        const state: TaskState = cell.state;
        if (takenBack[id]) {
          backs++;
          if (counts[id] !== 0 || state !== 'cancelled') wrong.push(`#${id} taken back but ran ${counts[id]}x, ${state}`);
        } else if (counts[id] !== 1) {
          wrong.push(`#${id} ran ${counts[id]}x`);
        } else if (id % 3 !== 0 && (state !== 'completed' || (await cell.handle) !== id * 2)) {
          wrong.push(`#${id} ${state}`);
        } else if (id % 3 === 0 && state !== 'cancelled') {
          wrong.push(`#${id} cancelled while running, yet ${state}`);
        }
      }
      expect(wrong).to.deep.equal([]);
      expect(ran + backs, 'runs counted by the runners plus take-backs').to.equal(tasks);
      expect(backs, 'some take-backs won the race').to.be.greaterThan(0);
      expect(backs, 'some claims won the race').to.be.lessThan(Math.ceil(tasks / 3));
      expect(owner.inFlight, 'slots not home').to.equal(0);
      expect([0, 1].map((slot) => stateOf(shared.slots, slot))).to.deep.equal([SlotState.FREE, SlotState.FREE]);
    });

    it('should wake a joiner sleeping on b whenever the runner publishes DONE, and never lose b (JOIN)', async () => {
      const tasks = 3000;
      const { owner, takenBack, results, counts, ran, lostWakeUps } = await race(SlotMode.JOIN, tasks, 4);
      const wrong: string[] = [];
      for (let id = 0; id < tasks && wrong.length < 5; id++) {
        if (takenBack[id] ? counts[id] !== 0 : counts[id] !== 1 || results[id] !== id * 2) {
          wrong.push(`#${id} taken back ${takenBack[id]}, ran ${counts[id]}x, result ${String(results[id])}`);
        }
      }
      expect(wrong).to.deep.equal([]);
      expect(lostWakeUps, 'sleeps that ran out their 5 s timeout').to.equal(0);
      expect(ran + takenBack.reduce((n, b) => n + b, 0)).to.equal(tasks);
      expect(owner.inFlight).to.equal(0);
    });
  });
});
