// The parker: who searches, who sleeps, who wakes whom — one wake per burst, and no wake-up lost to the Dekker race.
import { expect } from 'chai';
import { E, G } from '../src/memory/layout.js';
import { Shared } from '../src/memory/shared.js';
import { PState } from '../src/threads/parker.js';
import { harness, tinyConfig } from './fixtures/protocol.js';

const word = (shared: Shared, e: number, w: number): number => Atomics.load(shared.control, shared.layout.endpointBase(e) + w);

describe('Parker', () => {
  describe('on one thread', () => {
    let shared: Shared;
    beforeEach(() => { shared = Shared.create({ workers: 4, blocking: 1, queueCapacity: 4, mainSlots: 2, workerSlots: 2, blockingSlots: 2 }); });

    it('should wake exactly one parked worker per notifyWork, count it as searching, and wake nobody while someone searches', () => {
      const { parker } = shared;
      for (const w of [1, 2, 3, 4]) parker.prepareParking(w);
      expect(parker.notifyWork()).to.equal(true);
      const woken = [1, 2, 3, 4].filter((w) => word(shared, w, E.PSTATE) === PState.NOTIFIED_SEARCH);
      expect(woken).to.have.length(1);
      expect(word(shared, woken[0]!, E.PARK), 'futex word of the woken worker').to.equal(1);
      expect(word(shared, woken[0]!, E.WAKES)).to.equal(1);
      expect(Atomics.load(shared.control, G.SEARCHING)).to.equal(1);
      expect(parker.notifyWork(), 'a searcher will find the work').to.equal(false);
      expect([1, 2, 3, 4].filter((w) => parker.isParked(w))).to.have.length(3);
    });

    it('should hand the searcher count to the woken worker: its stopSearching is the last one, so it wakes the next', () => {
      const { parker } = shared;
      for (const w of [1, 2]) parker.prepareParking(w);
      parker.notifyWork();
      const first = [1, 2].find((w) => word(shared, w, E.PSTATE) === PState.NOTIFIED_SEARCH)!;
      expect(parker.finishParking(first)).to.equal(PState.NOTIFIED_SEARCH);
      expect(parker.stopSearching(), 'the last searcher').to.equal(true);
      expect(parker.notifyWork()).to.equal(true);
      const second = first === 1 ? 2 : 1;
      expect(word(shared, second, E.PSTATE)).to.equal(PState.NOTIFIED_SEARCH);
    });

    it('should wake the parked workers round robin, not always the same one', () => {
      const { parker } = shared;
      const order: number[] = [];
      for (let round = 0; round < 4; round++) {
        for (const w of [1, 2, 3, 4]) if (word(shared, w, E.PSTATE) !== PState.PARKED) parker.prepareParking(w);
        parker.notifyWork();
        const w = [1, 2, 3, 4].find((x) => word(shared, x, E.PSTATE) === PState.NOTIFIED_SEARCH)!;
        order.push(w);
        parker.finishParking(w);
        parker.stopSearching();
      }
      expect(new Set(order).size).to.equal(4);
    });

    it('should let at most half the workers search at once', () => {
      const { parker } = shared;
      expect([parker.tryStartSearching(), parker.tryStartSearching(), parker.tryStartSearching()]).to.deep.equal([true, true, false]);
      expect(parker.stopSearching()).to.equal(false);
      expect(parker.stopSearching()).to.equal(true);
    });

    it('should unpark only a parked thread, without making it a searcher', () => {
      const { parker } = shared;
      expect(parker.unpark(2), 'an active thread needs no wake').to.equal(false);
      parker.prepareParking(2);
      expect(parker.unpark(2)).to.equal(true);
      expect(parker.unpark(2), 'one waker wins').to.equal(false);
      expect(parker.finishParking(2)).to.equal(PState.NOTIFIED);
      expect(Atomics.load(shared.control, G.SEARCHING)).to.equal(0);
    });

    it('should tell a thread that calls off its park whether a waker got to it first', () => {
      const { parker } = shared;
      parker.prepareParking(3);
      expect(parker.cancelParking(3), 'nobody came').to.equal(PState.PARKED);
      parker.prepareParking(3);
      parker.notifyWork();
      expect(parker.cancelParking(3), 'counted as a searcher meanwhile').to.equal(PState.NOTIFIED_SEARCH);
      expect(word(shared, 3, E.PSTATE)).to.equal(PState.ACTIVE);
    });

    it('should wake blocking threads with notifyBlocking, never with notifyWork', () => {
      const { parker } = shared;
      parker.prepareParking(5); // the blocking thread (workers 1..4)
      expect(parker.notifyWork()).to.equal(false);
      expect(parker.notifyBlocking()).to.equal(true);
      expect(word(shared, 5, E.PSTATE)).to.equal(PState.NOTIFIED);
    });
  });

  describe('between real threads (Dekker: publish then look, announce then look)', function () {
    this.timeout(120_000);

    it('should lose no wake-up over thousands of hand-offs to two workers that park between them, in bursts and one by one', async () => {
      const h = harness(tinyConfig(2));
      const { shared } = h;
      const reports = [1, 2].map((me) => h.start<{ taken: number; timeouts: number }>({ role: 'idle-worker', me }));
      await h.ready(2);
      let pushed = 0;
      let bothParked = 0; // rounds pushed while both workers slept: each of their notifyWork calls must wake one
      const handOffs = 3000;
      for (let round = 0; pushed < handOffs; round++) {
        // Every other round waits (up to 2 s) for both workers to sleep, so the test does not depend
        // on the machine's load for its parks; the other rounds race with a worker still parking.
        if (round % 2 === 1) {
          const until = Date.now() + 2_000;
          while (!(shared.parker.isParked(1) && shared.parker.isParked(2)) && Date.now() < until) { /* the workers go idle */ }
          if (shared.parker.isParked(1) && shared.parker.isParked(2)) bothParked++;
        }
        const burst = round % 5 === 0 ? 1 + (round % 7) : 1;
        for (let i = 0; i < burst && pushed < handOffs; i++) {
          while (!shared.injector.push(pushed)) { /* full (capacity 8): the workers drain it */ }
          pushed++;
        }
        shared.parker.notifyWork(); // one wake per burst, as a pusher does
        // Let the workers go idle (and park) before the next round, most of the time, so the next
        // push races with a worker that is parking or parked.
        const deadline = Date.now() + 10_000;
        while (shared.injector.length > 0) {
          if (Date.now() > deadline) throw new Error(`a wake-up was lost: ${shared.injector.length} value(s) left unread for 10 s`);
        }
        if (round % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      h.stop();
      const results = await Promise.all(reports);
      expect(results.reduce((n, r) => n + r.taken, 0), 'values taken').to.equal(handOffs);
      expect(results.map((r) => r.timeouts), 'sleeps that ran out their 5 s timeout').to.deep.equal([0, 0]);
      expect(bothParked, 'rounds that found both workers asleep').to.be.greaterThan(handOffs / 4);
      expect(word(shared, 1, E.WAKES) + word(shared, 2, E.WAKES), 'a wake for every push to a sleeping pool').to.be.at.least(bothParked);
    });
  });
});
