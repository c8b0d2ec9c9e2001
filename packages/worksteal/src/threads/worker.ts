// A pool thread's entry point and run loop: pop, take from the injector, steal, spin, park.
//
// HOW, one turn of the loop (`tick`), on the worker's own event loop:
//   1. read mail (only when E.MAIL says there is some: receiveMessageOnPort, no event needed),
//      drain this thread's completion ring, abort signals of running tasks whose cancel flag is up;
//   2. run tasks until none is found or ~2 ms passed: own deque (LIFO pop) → injector (takes a small
//      batch into the deque) → steal about half of a random victim's deque (pool-thread.ts);
//   3. if it ran anything, yield to the event loop (setImmediate: promises, timers and sockets of
//      async tasks progress) and come back; otherwise become a searcher, spin `spinCount` looks, then
//      park (parker.ts): Atomics.wait when the thread holds nothing asynchronous (nothing else could
//      need its event loop), else Atomics.waitAsync (the mail port keeps the thread alive).
//   A blocking thread runs the same loop over the blocking queue only, and never steals.
// Everything the thread holds lives in its PoolThread; task code reaches it through cx.runtime
// (worker-runtime.ts) and join (../join.ts).
//
// Dying (liveness.ts): a thread that calls process.exit marks itself dead in its 'exit' handler; a
// turn that finds the previous turn, or a task body (run from a turn or from a promise job once its
// module loaded), never finished — the engine cut it short (out of memory, termination) where no
// catch or finally runs, and then went on running this event loop, as Deno does — marks it too.
// From then on the thread runs nothing; the main thread terminates it.
import { workerData } from 'node:worker_threads';
import { RuntimeShutdownError } from '@runtime-traits/core';
import { decodeError } from '@runtime-traits/core/kit';
import { performance } from 'node:perf_hooks';
import type { WorkerReactor } from '../capabilities.js';
import { E, G } from '../memory/layout.js';
import { Shared } from '../memory/shared.js';
import { EMPTY } from '../queues/deque.js';
import { markDead, Why } from './liveness.js';
import type { ToThread, WorkerInit } from './messages.js';
import { PoolThread } from './pool-thread.js';
import { waitAsync } from './wait-async.js';

/** How long one turn runs tasks before it yields to the event loop. */
const BATCH_MS = 2;

class WorkerLoop {
  private readonly thread: PoolThread;
  private tickScheduled = false;
  private stopped = false;
  /** A turn is running; still true at the start of the next one only if the engine cut the last one short. */
  private inTick = false;
  /** This thread marked itself dead: it runs nothing more. */
  private gone = false;
  /** What ends this thread, when an uncaught exception or unhandled rejection does (onExit follows). */
  private fatal: { error: unknown; origin: string } | undefined;

  constructor(shared: Shared, private readonly init: WorkerInit, private readonly reactor: WorkerReactor) {
    this.thread = new PoolThread(shared, init, reactor, this.scheduleTick, this.onMessage);
    process.on('exit', this.onExit);
    // (A monitor only looks: Node then ends the thread, and emits 'exit', unless an 'uncaughtException'
    // listener takes the error, in which case the thread runs on and this one is not what ends it.)
    process.on('uncaughtExceptionMonitor', (error, origin) => {
      if (process.listenerCount('uncaughtException') === 0) this.fatal ??= { error, origin };
    });
    const exit = process.exit.bind(process);
    // Should the engine's exit return (it must not, and does not on Node), the thread waits to be
    // terminated: nothing more runs on it.
    process.exit = ((code?: number) => {
      exit(code);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }) as typeof process.exit;
    this.thread.mail.post({ t: 'ready' });
    this.scheduleTick();
  }

  // Closures that capture `this` live in fields: one inside a method would make V8 allocate a context on
  // every call of it (at entry, even on paths that never make the closure), i.e. on every spawn.
  private readonly tickFn = (): void => this.tick();

  readonly scheduleTick = (): void => {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(this.tickFn);
  };

  private tick(): void {
    this.tickScheduled = false;
    if (this.inTick || this.thread.runner.bodiesOnStack > 0) this.die(Why.CUT_SHORT);
    if (this.gone) return;
    this.inTick = true;
    try {
      this.turn();
    } finally { // (not run when the engine cuts the turn short: that is what the next turn looks for)
      this.inTick = false;
    }
  }

  /**
   * process.exit, or an uncaught exception or unhandled rejection (Node exits the thread with code 1):
   * fails what it ran with the cause, THEN marks it dead (recovery must find those slots DONE, not
   * fail them twice).
   */
  private readonly onExit = (code: number): void => {
    const { shared } = this.thread;
    Atomics.store(shared.control, shared.layout.endpointBase(this.init.me) + E.EXIT_CODE, code);
    const fatal = this.fatal;
    if (fatal) {
      const what = fatal.origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception';
      const message = fatal.error instanceof Error ? `${fatal.error.name}: ${fatal.error.message}` : String(fatal.error);
      this.thread.runner.failAll(`${what}: ${message}`, fatal.error);
      this.die(Why.UNCAUGHT);
      return;
    }
    this.thread.runner.failAll(`worker exited with code ${code}`);
    this.die(Why.EXITED);
  };

  /** Marks this thread dead (liveness.ts) and stops running anything; the main thread ends it. */
  private die(why: Why): void {
    if (this.gone) return;
    this.gone = true;
    this.thread.runner.halt();
    markDead(this.thread.shared, this.init.me, this.init.epoch, why);
  }

  private turn(): void {
    const { thread } = this;
    if (thread.park.asyncWaiting) thread.park.leaveAsyncPark();
    for (;;) {
      if (Atomics.load(thread.shared.control, G.SHUTDOWN) !== 0) {
        this.stop();
        return;
      }
      this.pollEvents();
      if (thread.notifyPending) {
        thread.notifyPending = false;
        thread.shared.parker.notifyWork();
      }
      if (this.runBatch() > 0) {
        this.scheduleTick();
        return;
      }
      if (!this.idle()) return;
    }
  }

  private pollEvents(): void {
    const { thread } = this;
    thread.mail.poll();
    thread.owner.drain();
    if (thread.runner.running.size > 0) thread.runner.pollCancels();
  }

  private runBatch(): number {
    const { thread } = this;
    let ran = 0;
    const deadline = performance.now() + BATCH_MS;
    while (thread.local.length > 0) {
      thread.local.shift()!();
      ran++;
    }
    if (thread.jobs.waiting > 0) {
      if (thread.park.searching) thread.park.stopSearching();
      ran += thread.jobs.release(); // its bodies run right after this turn
    }
    for (;;) {
      if (this.gone) break; // (process.exit returned into this loop: the exit handler marked the thread dead)
      const slot = thread.findWork();
      if (slot === EMPTY) break;
      if (thread.park.searching) thread.park.stopSearching();
      thread.runSlot(slot);
      ran++;
      if (thread.notifyPending) {
        thread.notifyPending = false;
        thread.shared.parker.notifyWork();
      }
      if ((ran & 63) === 0) {
        thread.owner.drain();
        if (performance.now() > deadline) break;
      }
    }
    if (ran > 0) thread.publishCounters();
    return ran;
  }

  /** No work: search, spin, park. True when the caller should loop again right away. */
  private idle(): boolean {
    const { thread } = this;
    const { park, me } = thread;
    const parker = thread.shared.parker;
    if (thread.isWorker) park.startSearching();
    for (let i = 0; i < this.init.spinCount; i++) if (thread.hasWork()) return true;
    park.quitSearching();
    parker.prepareParking(me);
    // The last look covers shutdown too: pool.stop() raises G.SHUTDOWN before it stores 1 in the park
    // word, so either this load sees it or the wait below finds the word already 1. (Without it, a
    // shutdown landing between turn()'s check and prepareParking() was lost until the thread was
    // terminated after the grace period.)
    if (thread.hasWork() || Atomics.load(thread.shared.control, G.SHUTDOWN) !== 0) {
      park.woke(parker.cancelParking(me));
      return true;
    }
    thread.counters.parks++;
    thread.publishCounters();
    const word = parker.parkWord(me);
    if (this.canBlock()) {
      const outcome = Atomics.wait(thread.shared.control, word, 0, 250);
      park.woke(parker.finishParking(me));
      if (outcome === 'timed-out') {
        this.scheduleTick(); // let the event loop turn now and then
        return false;
      }
      return true;
    }
    park.asyncWaiting = true;
    if (park.waiterPending) return false; // a waiter from an earlier park still listens on the word
    const wait = waitAsync(thread.shared.control, word, 0);
    if (!wait.async) {
      park.asyncWaiting = false;
      park.woke(parker.finishParking(me));
      return true;
    }
    park.waiterPending = true;
    wait.value.then(this.afterAsyncPark);
    return false;
  }

  private readonly afterAsyncPark = (): void => {
    const { park } = this.thread;
    park.waiterPending = false;
    if (park.asyncWaiting) park.leaveAsyncPark();
    this.scheduleTick();
  };

  /** Blocking the thread is safe only when nothing on its event loop could need attention. */
  private canBlock(): boolean {
    const { thread } = this;
    if (thread.runner.running.size > 0 || thread.view.tasks.active > 0 || thread.owner.sideResults.size > 0) return false;
    for (const kind of process.getActiveResourcesInfo()) if (kind !== 'MessagePort') return false;
    return true;
  }

  private readonly onMessage = (message: ToThread): void => {
    const { thread } = this;
    switch (message.t) {
      case 'run':
        thread.local.push(() => thread.runner.execute(message.slot, message.args));
        this.scheduleTick();
        break;
      case 'cancel':
        thread.runner.noteReason(message.slot, decodeError(message.reason));
        thread.runner.pollCancels();
        break;
      case 'result':
        thread.owner.sideResultCame(message.slot, message.use, message.ok, message.value);
        break;
      case 'sab':
        thread.shared.sabs.learn(message.id, message.sab);
        break;
      case 'closing':
        void this.closeTasks(message.graceMs).then(() => this.thread.mail.post({ t: 'drained' }));
        break;
    }
  };

  /** Shutdown: no more spawns here; this thread's own tasks (spawned by its tasks) are cancelled after `graceMs`. */
  private closeTasks(graceMs: number): Promise<void> {
    return this.thread.view.tasks.shutdown(graceMs, (ms, signal) => this.reactor.clock.sleep(ms, { signal }));
  }

  /** Shutdown: let go of everything that keeps this thread's event loop alive, so the thread ends. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // What the grace left running here aborts now, before the thread goes: the tasks this thread owns,
    // and the bodies it runs for others (their owner may be stopping too, and not get to raise the flag).
    void this.closeTasks(0);
    this.thread.runner.abortRunning(new RuntimeShutdownError());
    this.thread.mail.close();
    this.init.lifePort.close(); // (shutdown: the main thread no longer reads this epoch's word)
    void this.reactor.close();
  }
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const shared = new Shared(init.config, init.buffers);
  const { NodeReactor } = await import('@runtime-traits/node/reactor'); // (the reactor alone: a thread starts sooner without node-compat)
  new WorkerLoop(shared, init, await NodeReactor.create()); // (net.reusePort found by trial, once per thread)
}

void main();
