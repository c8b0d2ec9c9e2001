// The portable task the workers run: one stripe of the picture, rendered by the parallel example's fork-join
// renderBand on the worker's own cores, tagged with the worker process that rendered it.
import { defineTask } from '@runtime-traits/core';
import { renderBand, type Frame } from '@runtime-traits-examples/parallel/dist/src/lib/mandelbrot.js';

export interface Stripe {
  /** The worker process that rendered it. */
  pid: number;
  /** Escape counts of rows [from, to), row-major. */
  pixels: Uint16Array;
}

/**
 * Rows [from, to) of `frame`. Runs on a worker's work-stealing runtime (runtime-traits-worker --threads),
 * so renderBand's executor.join splits the stripe over that machine's threads.
 */
export const renderStripe = defineTask(import.meta.url, 'renderStripe',
  (cx, frame: Frame, from: number, to: number, grain: number): Stripe => ({
    pid: process.pid,
    pixels: renderBand.fn(cx, frame, from, to, grain) as Uint16Array,
  }));
