// DI tokens: registry-wide symbols, typed so `@inject(EXECUTOR) ex: Executor` reads naturally.
import type { Executor } from './executor.js';
import type { Clock, Net, Reactor } from './reactor.js';
import type { Runtime } from './runtime.js';

/** A symbol that remembers the type bound to it. */
export type Token<T> = symbol & {
  /** Never set at run time: carries `T` so `container.get(TOKEN)` is typed. */
  readonly __type?: T;
};

function token<T>(name: string): Token<T> {
  return Symbol.for(`@runtime-traits/core/${name}`) as Token<T>;
}

/** Token for the whole {@link Runtime} (`Symbol.for('@runtime-traits/core/Runtime')`). */
export const RUNTIME: Token<Runtime> = token('Runtime');
/** Token for the runtime's {@link Executor}: inject this to spawn tasks. */
export const EXECUTOR: Token<Executor> = token('Executor');
/** Token for the runtime's {@link Reactor} (its clock and network together). */
export const REACTOR: Token<Reactor> = token('Reactor');
/** Token for the runtime's {@link Clock}: `now()` and `sleep()`, virtual on the local runtime. */
export const CLOCK: Token<Clock> = token('Clock');
/** Token for the runtime's {@link Net}: TCP, TLS, UDP, Unix sockets and DNS. */
export const NET: Token<Net> = token('Net');
