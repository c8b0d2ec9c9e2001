// What the factories take as their first argument: a Reactor ({ net, clock }) or a Net, and the clock its sockets' timers run on.
import type { Clock, Net, Reactor } from '@runtime-traits/core';
import { show } from '@runtime-traits/core/kit';
import type { TimerSource } from './idle-timer.js';
import type { ResourceOwner } from './owner.js';

/** Where sockets connect and listen, and the clock their idle timers run on. */
export interface Source {
  readonly net: Net;
  readonly clock: Clock | undefined;
  /** The withNodeApis scope that sockets and servers made through this source belong to (none in layer 1). */
  readonly owner?: ResourceOwner;
  /** Where its sockets' idle timers wait instead of the clock (the scope's own timers). */
  readonly timers?: TimerSource;
}

/** A runtime's network: its `Reactor` (preferred: it brings the clock along) or a bare `Net`. */
export type NetSource = Net | Reactor;

function isNet(value: unknown): value is Net {
  const v = value as Partial<Net> | null;
  return typeof v === 'object' && v !== null && typeof v.connect === 'function' && typeof v.listen === 'function';
}

export function isClock(value: unknown): value is Clock {
  const v = value as Partial<Clock> | null;
  return typeof v === 'object' && v !== null && typeof v.now === 'function' && typeof v.sleep === 'function';
}

export function checkClock(value: unknown, arg: string): Clock | undefined {
  if (value === undefined) return undefined;
  if (!isClock(value)) throw new TypeError(`${arg} must be a Clock (runtime.reactor.clock), got ${show(value)}`);
  return value;
}

/**
 * The Net and clock behind `value`. A Reactor gives both; a bare Net needs `clock` beside it, because
 * a socket's idle timer must run on the runtime's clock (virtual under a Simulation), never on the
 * host's timers, and a Net cannot tell which clock is its own.
 */
export function checkSource(value: unknown, clock: unknown, arg = 'net', clockArg = 'options.clock'): Source {
  const explicit = checkClock(clock, clockArg);
  if (isNet(value)) {
    if (!explicit) {
      throw new TypeError(`${arg} is a bare Net: pass the runtime's Reactor instead (runtime.reactor, which brings its clock), `
        + `or give ${clockArg}, so that socket timeouts run on the runtime's clock`);
    }
    return { net: value, clock: explicit };
  }
  const reactor = value as Partial<Reactor> | null;
  if (typeof reactor === 'object' && reactor !== null && isNet(reactor.net) && isClock(reactor.clock)) {
    return { net: reactor.net, clock: explicit ?? reactor.clock };
  }
  throw new TypeError(`${arg} must be a Reactor ({ net, clock }, e.g. runtime.reactor) or a Net, got ${show(value)}`);
}
