// DI tokens: registry-wide symbols, typed so `@inject(EXECUTOR) ex: Executor` reads naturally.
import type { Executor } from './executor.js';
import type { Clock, Net, Reactor } from './reactor.js';
import type { Runtime } from './runtime.js';

/** A symbol that remembers the type bound to it. */
export type Token<T> = symbol & { readonly __type?: T };

function token<T>(name: string): Token<T> {
  return Symbol.for(`@runtime-traits/core/${name}`) as Token<T>;
}

export const RUNTIME: Token<Runtime> = token('Runtime');
export const EXECUTOR: Token<Executor> = token('Executor');
export const REACTOR: Token<Reactor> = token('Reactor');
export const CLOCK: Token<Clock> = token('Clock');
export const NET: Token<Net> = token('Net');
