// Timeout and Immediate as a scope hands them out: shaped like Node's, running on the scope's HostLoop or on Node's own timers.
//
// A Timeout behaves as Node's where libraries look: ref/unref/hasRef, refresh() (re-arms, also after
// it fired), close(), [Symbol.toPrimitive]() (an id clearTimeout accepts), [Symbol.dispose](),
// `_idleTimeout`, `_onTimeout`, `_repeat`, `_destroyed`; its callback runs with `this` = the timer,
// in the async context of its creation (an AsyncResource, as Node's own timers are). Node's own
// clearTimeout — captured before a scope patched it — still clears one: it sets `_onTimeout` to
// null, which this class notices (the rest of that function leaves an object like this alone).
//
// Home: where the timer runs — a scope (its HostLoop on a simulated host, Node's timers elsewhere)
// or, outside every scope, Node's timers. A timer is re-armed where refresh() is called from when
// its home is gone or is another host's (a library's one process-wide timer, such as undici's,
// follows the code that uses it); a simulated host notes the move in its trace, with the call site.
// Counting: an armed ref'd timer holds its scope open (see scope.ts); a dead scope's timers are inert.
import { AsyncResource } from 'node:async_hooks';
import { runIn } from '../scope/context.js';
import type { TimerSource } from '../internal/idle-timer.js';
import type { LoopImmediate, LoopTimer } from '../scope/host-loop.js';
import { Scope } from '../scope/scope.js';
import { callSite } from './call-site.js';
import { realClearTimeout, realPerformanceNow, realSetTimeout, realTimeoutRefresh } from './originals.js';

type Callback = (...args: unknown[]) => void;

const TIMEOUT_MAX = 2 ** 31 - 1;

/** Node's coercion of a delay: a number from 1 to 2^31-1, else 1 (with a warning above the maximum). */
export function coerceDelay(after: unknown): number {
  const ms = Number(after);
  if (ms >= 1 && ms <= TIMEOUT_MAX) return ms;
  if (ms > TIMEOUT_MAX) {
    process.emitWarning(`${ms} does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.`, 'TimeoutOverflowWarning');
  }
  return 1;
}

/**
 * Ids for timers that live outside every scope (re-homed to Node), from 2^41; a scope's own count
 * from 2^40 (scope.ts). Node's own timer ids (async ids, counted from 1) never reach that far: a
 * clearTimeout with one of Node's ids clears Node's timer, never one of these.
 */
const plainIds = new Map<number, Timeout>();
let nextPlainId = 2 ** 41;

export class Timeout implements LoopTimer {
  _idleTimeout: number;
  _idleStart: number | null = null;
  _timerArgs: unknown[] | undefined;
  _repeat: number | null;
  _destroyed = false;
  /** HostLoop bookkeeping. */
  due = 0;
  seq = 0;
  slot = -1;
  #callback: Callback | null;
  #home: Scope | undefined;
  readonly #born: Scope | undefined;
  #refed = true;
  #armed = false;
  /** Node's timer under a real-time home: kept after it fires, so refresh() re-arms it in place (it also keeps the creation's async context). */
  #handle: NodeJS.Timeout | undefined = undefined;
  #id: number | undefined = undefined;
  /** On a HostLoop, the async context of the creation, as Node's own timers keep it. */
  #resource: AsyncResource | undefined;

  constructor(home: Scope | undefined, callback: Callback, ms: number, args: unknown[] | undefined, repeat: boolean) {
    this.#home = this.#born = home;
    if (home?.loop) this.#resource = new AsyncResource('Timeout');
    this.#callback = callback;
    this._idleTimeout = ms;
    this._timerArgs = args;
    this._repeat = repeat ? ms : null;
    this.#arm();
  }

  get _onTimeout(): Callback | null {
    return this.#callback;
  }

  /** Node's clearTimeout sets this to null: that clears the timer here too. */
  set _onTimeout(value: Callback | null) {
    this.#callback = value;
    if (value === null) this.drop();
  }

  hasRef(): boolean {
    return this.#refed;
  }

  ref(): this {
    this.#setRef(true);
    return this;
  }

  unref(): this {
    this.#setRef(false);
    return this;
  }

  /** Re-arms for its full delay from now (also after it fired); a cleared timer stays cleared. */
  refresh(): this {
    if (this._idleTimeout === -1 || this.#callback === null) return this;
    this.#rehome();
    this._destroyed = false;
    if (this.#armed && this.#handle !== undefined) {
      realTimeoutRefresh.call(this.#handle); // in place: no new Node timer per refresh (undici refreshes on every request)
      this._idleStart = realPerformanceNow();
      return this;
    }
    if (this.#armed) this.#disarm();
    this.#arm();
    return this;
  }

  close(): this {
    this.clear();
    return this;
  }

  [Symbol.dispose](): void {
    this.clear();
  }

  [Symbol.toPrimitive](): number {
    if (this.#id === undefined) {
      const home = this.#home;
      if (home) {
        this.#id = home.nextTimerId++;
        home.timerIds.set(this.#id, this);
      } else {
        this.#id = nextPlainId++;
        plainIds.set(this.#id, this);
      }
    }
    return this.#id;
  }

  /** As clearTimeout. */
  clear(): void {
    this.#callback = null;
    this._idleTimeout = -1;
    this.drop();
  }

  /** Disarms without running (clear, a scope ending or dying). */
  drop(): void {
    if (this.#armed) this.#disarm();
    this._destroyed = true;
    this.#forgetId();
  }

  /** The timer the code running now cleared by id, if it is one of these. */
  static byId(id: number): Timeout | undefined {
    const scope = Scope.active();
    return (scope?.timerIds.get(id) as Timeout | undefined) ?? plainIds.get(id);
  }

  describe(): string {
    return `${this._repeat === null ? 'setTimeout' : 'setInterval'} ${this.#callback?.name || 'anonymous'} ${this._idleTimeout}ms`;
  }

  /** Called by the HostLoop when due. */
  runDue(): void {
    this.#fire(true);
  }

  /**
   * Arms the timer `_idleTimeout` after `start` (default: now). An interval passes the time its
   * callback began, as Node does, so a slow callback does not push the next tick back.
   */
  #arm(start?: number): void {
    const home = this.#home;
    if (home?.state === 'dead') return; // a dead scope's timers never run
    this.#armed = true;
    const loop = home?.loop;
    if (loop) {
      this._idleStart = start ?? home!.runtime.reactor.clock.now();
      this.due = this._idleStart + this._idleTimeout;
      loop.addTimer(this);
    } else {
      const now = realPerformanceNow();
      this._idleStart = start ?? now;
      const late = now - this._idleStart;
      if (late < 1 && this.#handle !== undefined && this.#handle.hasRef() === this.#refed) realTimeoutRefresh.call(this.#handle);
      else {
        if (this.#handle !== undefined) realClearTimeout(this.#handle);
        this.#handle = realSetTimeout(fireReal as (...args: unknown[]) => void, Math.max(1, this._idleTimeout - late), this);
        if (!this.#refed) this.#handle.unref();
      }
    }
    if (home) {
      home.timers.add(this);
      if (this.#refed) home.ref();
    }
  }

  #disarm(): void {
    this.#armed = false;
    const home = this.#home;
    if (home?.loop) home.loop.removeTimer(this);
    else if (this.#handle !== undefined) {
      realClearTimeout(this.#handle);
      this.#handle = undefined;
    }
    if (home) {
      home.timers.delete(this);
      if (this.#refed) home.unref();
    }
  }

  #setRef(refed: boolean): void {
    if (this.#refed === refed) return;
    this.#refed = refed;
    if (!this.#armed) return;
    const home = this.#home;
    if (home?.loop) home.loop.refChanged(this, refed);
    else if (refed) this.#handle?.ref();
    else this.#handle?.unref();
    if (home) {
      if (refed) home.ref();
      else home.unref();
    }
  }

  /** Re-armed from elsewhere: a timer whose home is gone, or another host's, moves to the code re-arming it. */
  #rehome(): void {
    const here = Scope.active();
    const home = this.#home;
    if (here === home) return;
    if (home !== undefined && home.state === 'open' && here === undefined) return; // plain code refreshing a live scope's timer
    if (this.#armed) this.#disarm();
    else if (this.#handle !== undefined) {
      realClearTimeout(this.#handle);
      this.#handle = undefined;
    }
    this.#forgetId();
    this.#home = here;
    if (here?.loop) this.#resource ??= new AsyncResource('Timeout');
    here?.note(`timer moved here from ${home === undefined ? 'outside every scope' : `${home.name} (${home.state})`}: ${this.describe()} re-armed at ${callSite()}`);
  }

  #forgetId(): void {
    if (this.#id === undefined) return;
    if (this._repeat !== null && this._idleTimeout !== -1 && this.#callback !== null) return; // an interval keeps its id
    this.#home?.timerIds.delete(this.#id);
    plainIds.delete(this.#id);
  }

  /** `caught`: from a HostLoop (an exception must not escape into the runtime's scheduler). */
  #fire(caught: boolean): void {
    const home = this.#home;
    this.#armed = false;
    if (home) {
      home.timers.delete(this);
      if (this.#refed) home.unref();
    }
    const callback = this.#callback;
    if (callback === null) return;
    if (this._repeat === null) {
      this._destroyed = true;
      this.#forgetId();
    }
    const start = this._repeat === null ? undefined : home?.loop ? home.runtime.reactor.clock.now() : realPerformanceNow();
    try {
      if (!caught) this.#invoke(callback);
      else {
        try {
          this.#invoke(callback);
        } catch (error) {
          home!.uncaught(error);
        }
      }
    } finally {
      if (this._repeat !== null && this._idleTimeout !== -1 && this.#callback !== null && !this.#armed) {
        this._idleTimeout = this._repeat;
        this.#arm(start);
      }
    }
  }

  #invoke(callback: Callback): void {
    const args = this._timerArgs ?? [];
    const home = this.#home;
    const resource = this.#resource;
    if (home === this.#born) {
      if (resource) resource.runInAsyncScope(callback, this, ...args);
      else callback.apply(this, args); // a real-time home: Node's own timer already runs this in the creation's context
    } else if (resource) resource.runInAsyncScope(() => runIn(home, () => callback.apply(this, args)));
    else runIn(home, () => callback.apply(this, args));
  }

  /** @internal Node's timer went off (a real-time home). */
  static fire(timer: Timeout): void {
    timer.#fire(false);
  }
}

function fireReal(timer: Timeout): void {
  Timeout.fire(timer);
}

/** A setImmediate of a simulated host: FIFO on its HostLoop, one per turn. Shaped like Node's Immediate. */
export class Immediate implements LoopImmediate {
  _onImmediate: Callback | null;
  _argv: unknown[] | undefined;
  #home: Scope;
  #refed = true;
  #queued = false;
  readonly #resource = new AsyncResource('Immediate');

  constructor(home: Scope, callback: Callback, args: unknown[] | undefined) {
    this.#home = home;
    this._onImmediate = callback;
    this._argv = args;
    if (home.state === 'dead' || !home.loop) return; // a dead scope's immediates never run
    this.#queued = true;
    home.loop.addImmediate(this);
    home.timers.add(this);
    home.ref();
  }

  /**
   * Always true, on purpose: Node's own clearImmediate (captured before a scope patched it) decrements
   * Node's count of pending immediates for an object it believes live; this one is not Node's.
   */
  get _destroyed(): boolean {
    return true;
  }

  hasRef(): boolean {
    return this.#refed;
  }

  /** As Node's: only a queued immediate can be ref'd again; one that ran or was cleared holds nothing for good. */
  ref(): this {
    if (!this.#refed && this.#queued) {
      this.#refed = true;
      this.#home.ref();
    }
    return this;
  }

  unref(): this {
    if (this.#refed) {
      this.#refed = false;
      if (this.#queued) this.#home.unref();
    }
    return this;
  }

  [Symbol.dispose](): void {
    this.clear();
  }

  clear(): void {
    this._onImmediate = null;
    this.drop();
  }

  /** Leaves the queue without running (clear, a scope ending or dying). */
  drop(): void {
    if (!this.#queued) return;
    this.#queued = false;
    const home = this.#home;
    home.loop!.removeImmediate(this);
    home.timers.delete(this);
    if (this.#refed) home.unref();
    this.#refed = false;
  }

  describe(): string {
    return `setImmediate ${this._onImmediate?.name || 'anonymous'}`;
  }

  runDue(): void {
    if (!this.#queued) return;
    this.#queued = false;
    const home = this.#home;
    home.timers.delete(this);
    if (this.#refed) home.unref();
    this.#refed = false; // as Node's: a running or run immediate holds nothing (hasRef() is false in its callback)
    const callback = this._onImmediate;
    if (callback === null) return;
    this._onImmediate = null;
    try {
      this.#resource.runInAsyncScope(callback, this, ...(this._argv ?? []));
    } catch (error) {
      home.uncaught(error);
    }
  }
}

const TIMER_SOURCE = {};

/** A scope's waits for its sockets' idle timers: its own unref'd timers (a socket's timeout keeps nothing alive, as Node's). */
export function scopeTimerSource(scope: Scope): TimerSource {
  let source = scope.library.get(TIMER_SOURCE) as TimerSource | undefined;
  if (source === undefined) {
    const clock = scope.runtime.reactor.clock;
    source = {
      now: scope.loop ? () => clock.now() : realPerformanceNow,
      start(ms, fire) {
        const timer = new Timeout(scope, fire, coerceDelay(ms), undefined, false);
        timer.unref();
        return () => timer.clear();
      },
    };
    scope.library.set(TIMER_SOURCE, source);
  }
  return source;
}
