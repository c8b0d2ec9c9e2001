// buggify(p): FoundationDB's BUGGIFY for JavaScript — a library's own rare paths, taken on purpose inside a simulation.
import { show } from '@runtime-traits/core/kit';
import { currentSimulation } from './sim-context.js';

/**
 * Inside a Simulation: true with probability `p`, drawn from the simulation's seeded buggify stream
 * (so a seed replays the same choices). Outside every simulation: always false, and nothing is drawn.
 *
 * ```ts
 * if (buggify(0.05)) await clock.sleep(2_000);   // a slow disk, sometimes, in tests only
 * ```
 *
 * @param p The probability, 0 to 1.
 * @throws TypeError when `p` is not a number; RangeError when it is outside [0, 1].
 */
export function buggify(p: number): boolean {
  checkProbability(p);
  return currentSimulation()?.buggify(p) ?? false;
}

/** @internal */
export function checkProbability(p: unknown): asserts p is number {
  if (typeof p !== 'number') throw new TypeError(`p must be a probability from 0 to 1, got ${show(p)}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be >= 0 and <= 1, got ${p}`);
}
