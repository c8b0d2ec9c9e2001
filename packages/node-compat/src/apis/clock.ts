// Date, performance (now, timeOrigin, mark, measure), process.hrtime() and process.uptime() inside a scope on a virtual-time runtime: they read the runtime's clock.
//
// On a simulated host, `Date.now()`, `new Date()` and `Date()` give the runtime's wall clock (a
// Simulation's starts at 2000-01-01T00:00:00Z), and `performance.now()` and `process.hrtime()` its
// monotonic clock — so a library that measures time or stamps records sees virtual time, the same on
// every run. `performance.timeOrigin` is the wall-clock time of monotonic 0, so `timeOrigin + now()`
// is `Date.now()` as in Node (tracing libraries stamp times so); `performance.mark()` and
// `performance.measure()` without an explicit time take it from the virtual `now()`; `process.uptime()`
// counts from the host's start. On every other runtime, and outside every scope, they are Node's own (the runtime's
// clock is real time). `globalThis.Date` is a stand-in while patched (`instanceof Date`, `Date.UTC`,
// `Date.parse` and `d.constructor === Date` all hold); code that kept Node's Date constructor from
// before (`const D = Date`) still gets real time from `new D()` — its `D.now()` is virtual.
import { Scope } from '../scope/scope.js';
import type { PatchSet } from './patch-set.js';
import { RealDate, realDateNow, realPerformanceNow } from './originals.js';

const realHrtime = process.hrtime;
const realHrtimeBigint = process.hrtime.bigint;

/** The virtual scope running now, if any. */
function virtualScope(): Scope | undefined {
  const scope = Scope.active();
  return scope?.virtual ? scope : undefined;
}

function dateNow(): number {
  const scope = virtualScope();
  return scope === undefined ? realDateNow() : Math.floor(scope.runtime.reactor.clock.wallClock());
}

/** Date as a scope sees it: `new Date()` and `Date()` read the scope's wall clock; every other form is Node's Date. */
const ScopedDate = function Date(this: unknown, ...args: unknown[]): unknown {
  if (new.target === undefined) return new RealDate(dateNow()).toString();
  const target = new.target === ScopedDate ? RealDate : new.target;
  return Reflect.construct(RealDate, args.length === 0 ? [dateNow()] : args, target);
} as unknown as DateConstructor;
Object.defineProperties(ScopedDate, {
  prototype: { value: RealDate.prototype },
  now: { value: dateNow, writable: true, configurable: true },
  parse: { value: RealDate.parse, writable: true, configurable: true },
  UTC: { value: RealDate.UTC, writable: true, configurable: true },
  length: { value: 7 },
});

function performanceNow(): number {
  const scope = virtualScope();
  return scope === undefined ? realPerformanceNow() : scope.runtime.reactor.clock.now();
}

function nanos(scope: Scope): bigint {
  return BigInt(Math.round(scope.runtime.reactor.clock.now() * 1e6));
}

function hrtime(previous?: [number, number]): [number, number] {
  const scope = virtualScope();
  if (scope === undefined) return realHrtime(previous);
  let ns = nanos(scope);
  if (previous !== undefined) ns -= BigInt(previous[0]) * 1_000_000_000n + BigInt(previous[1]);
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}
hrtime.bigint = function bigint(): bigint {
  const scope = virtualScope();
  return scope === undefined ? realHrtimeBigint() : nanos(scope);
};

const realUptime = process.uptime;
const realMark = performance.mark;
const realMeasure = performance.measure;
const realTimeOrigin = performance.timeOrigin;

function uptime(): number {
  const scope = virtualScope();
  return scope === undefined ? realUptime.call(process) : scope.runtime.reactor.clock.now() / 1000;
}

function timeOrigin(): number {
  const scope = virtualScope();
  if (scope === undefined) return realTimeOrigin;
  const clock = scope.runtime.reactor.clock;
  return clock.wallClock() - clock.now();
}

type MarkOptions = { startTime?: number; detail?: unknown };
type MeasureOptions = { start?: string | number; end?: string | number; duration?: number; detail?: unknown };

/** performance.mark: stamped with the virtual now() unless the caller gives a startTime. */
function mark(this: Performance, name: string, options?: MarkOptions): PerformanceMark {
  if (virtualScope() === undefined || (options !== undefined && options !== null && options.startTime !== undefined)) return realMark.call(this, name, options);
  return realMark.call(this, name, { ...options, startTime: performanceNow() });
}

/** performance.measure: a measure that would end "now" ends at the virtual now(). */
function measure(this: Performance, name: string, startOrOptions?: string | MeasureOptions, endMark?: string): PerformanceMeasure {
  if (virtualScope() === undefined || endMark !== undefined) return realMeasure.call(this, name, startOrOptions as string, endMark);
  if (typeof startOrOptions === 'object' && startOrOptions !== null) {
    const o = startOrOptions;
    // With a start and a duration (or an end), nothing reads the clock.
    if (o.end !== undefined || (o.duration !== undefined && o.start !== undefined)) return realMeasure.call(this, name, o);
    if (o.duration !== undefined) return realMeasure.call(this, name, { ...o, end: performanceNow() });
    return realMeasure.call(this, name, { ...o, start: o.start ?? 0, end: performanceNow() });
  }
  return realMeasure.call(this, name, { start: startOrOptions ?? 0, end: performanceNow() });
}

/** Patches Date, performance (now, timeOrigin, mark, measure), process.hrtime and process.uptime. */
export function installClock(patches: PatchSet): void {
  patches.set(globalThis, 'Date', ScopedDate);
  patches.set(RealDate, 'now', dateNow);
  // `new OldDate().constructor === Date` and `new Date().constructor === Date` both hold while patched.
  patches.set(RealDate.prototype, 'constructor', ScopedDate);
  patches.set(performance, 'now', performanceNow);
  patches.define(performance, 'timeOrigin', { get: timeOrigin, enumerable: true });
  patches.set(performance, 'mark', mark);
  patches.set(performance, 'measure', measure);
  patches.set(process, 'hrtime', hrtime);
  patches.set(process, 'uptime', uptime);
}
