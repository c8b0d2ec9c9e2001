// The parallel example's library: a Mandelbrot job that any runtime can run, in parallel where it can.
export { Renderer } from './renderer.js';
export { renderBand, renderRows, classicFrame, checksum, preview } from './mandelbrot.js';

export type { Frame } from './mandelbrot.js';
