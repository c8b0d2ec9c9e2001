// HostHooks for a local runtime: a compat layer's callbacks (Node's timers, immediates, file IO) become the host's own pending work.
//
// Every item is owned by the host of this incarnation: a crash or shutdown drops it without calling
// it (a timer leaves the heap with the host's other timers; a ready item checks the incarnation
// when woken). So the code of a crashed host never runs again, and nothing of it rejects.
import type { Clock, HostHooks } from '@runtime-traits/core';
import type { HostState } from './sim-net/host-state.js';
import { Rng } from './rng.js';
import type { Scheduler, TimerItem, Wakeable } from './scheduler.js';
import type { World } from './world.js';

type Label = () => string;

/** A host-owned timer on the scheduler's heap. */
class HostTimer implements TimerItem {
  seq = 0;
  slot = -1;

  constructor(
    readonly at: number,
    readonly owner: number,
    readonly weak: boolean,
    private readonly fn: () => void,
    private readonly what: Label,
  ) {}

  wake(): void {
    this.fn();
  }

  label(): string {
    return this.what();
  }
}

/** A host-owned item on the ready queue: skipped once cancelled or once its host has crashed or shut down. */
class HostSoon implements Wakeable {
  cancelled = false;

  constructor(
    private readonly host: HostState,
    private readonly incarnation: number,
    private readonly fn: () => void,
    private readonly what: Label,
  ) {}

  wake(): void {
    if (this.cancelled || this.host.incarnation !== this.incarnation || this.host.status !== 'up') return;
    this.fn();
  }

  label(): string {
    return this.what();
  }
}

export class LocalHostHooks implements HostHooks {
  private readonly downListeners = new Set<(reason: 'crash' | 'shutdown') => void>();
  private rng: Rng | undefined;

  /**
   * @param clock The runtime's clock when it is not the scheduler's own (a foreign reactor's: a
   * NodeReactor's counts from the epoch), so `schedule(at)` moves `at` onto the scheduler's time.
   */
  constructor(private readonly w: World, private readonly host: HostState, readonly virtual: boolean,
    private readonly clock?: Clock) {}

  get world(): object {
    return this.w;
  }

  get hostName(): string {
    return this.host.name;
  }

  get tracing(): boolean {
    return this.w.scheduler.tracing;
  }

  private get scheduler(): Scheduler {
    return this.w.scheduler;
  }

  schedule(at: number, fn: () => void, label: Label, weak = false): () => void {
    const scheduler = this.scheduler;
    const now = scheduler.now();
    const here = this.clock ? at - this.clock.now() + now : at;
    const timer = new HostTimer(Math.max(here, now), this.host.index, weak, fn, label);
    if (this.host.status === 'up') scheduler.addTimer(timer);
    return () => scheduler.removeTimer(timer);
  }

  soon(fn: () => void, label: Label): () => void {
    const item = new HostSoon(this.host, this.host.incarnation, fn, label);
    this.scheduler.wakeNextTurn(item);
    return () => { item.cancelled = true; };
  }

  hold(label: string): (then?: () => void) => void {
    const release = this.scheduler.hold();
    return (then) => release(then ? new HostSoon(this.host, this.host.incarnation, then, () => `${this.host.name} ${label}`) : undefined);
  }

  randomU32(): number {
    // One stream per host, apart from the scheduler's, so the host's own draws do not shift the network's.
    this.rng ??= new Rng(`${String(this.w.options.seed)}/${this.host.name}/random`);
    return this.rng.nextU32();
  }

  onDown(fn: (reason: 'crash' | 'shutdown') => void): () => void {
    this.downListeners.add(fn);
    return () => { this.downListeners.delete(fn); };
  }

  fail(error: unknown): void {
    if (this.w.failure) return;
    this.w.failure = this.w.tagSeed(error instanceof Error ? error : new Error(String(error))) as Error;
    this.record(`UNCAUGHT ${String((error as Error)?.message ?? error).replace(/[\r\n]+/g, ' ')}`);
    this.scheduler.alert('failed');
  }

  record(line: string): void {
    this.scheduler.record(`${this.host.name} ${line}`);
  }

  /** @internal Called by the runtime as its host crashes or shuts down, before anything of it is dropped. */
  down(reason: 'crash' | 'shutdown'): void {
    for (const listener of [...this.downListeners]) listener(reason);
    if (reason === 'shutdown') this.downListeners.clear();
  }
}
