// Mandelbrot rendering, sequential and fork-join: a CPU-heavy job that splits into independent halves.
//
// HOW: `renderRows` computes the escape count of every pixel in a band of rows. The portable task
// `renderBand` splits its band in two and hands both halves to `executor.join` (rayon's join): on
// the work-stealing runtime an idle worker steals one half while this worker renders the other, and
// the recursion spreads the image over every core. Bands of `grain` rows or fewer are rendered
// directly. WHY rows and not pixels: a row is thousands of iterations, so each task's overhead is
// noise; and WHY recursive halves instead of one task per row: stealing a half steals a lot of work
// at once, which is what keeps thieves busy with few steals.
import { defineTask } from '@runtime-traits/core';

/** The picture: its size in pixels, the region of the complex plane it shows, the iteration cap. */
export interface Frame {
  width: number;
  height: number;
  maxIter: number;
  /** Real axis from `re0` to `re1`, imaginary axis from `im0` to `im1`. */
  re0: number;
  re1: number;
  im0: number;
  im1: number;
}

/** The classic full view. */
export function classicFrame(width: number, height: number, maxIter: number): Frame {
  return { width, height, maxIter, re0: -2.2, re1: 0.8, im0: -1.2, im1: 1.2 };
}

/** Escape counts of rows [from, to), row-major: (to - from) × width values. */
export function renderRows(frame: Frame, from: number, to: number): Uint16Array {
  const { width, height, maxIter, re0, re1, im0, im1 } = frame;
  const out = new Uint16Array((to - from) * width);
  const dRe = (re1 - re0) / width;
  const dIm = (im1 - im0) / height;
  let i = 0;
  for (let y = from; y < to; y++) {
    const ci = im0 + y * dIm;
    for (let x = 0; x < width; x++) {
      const cr = re0 + x * dRe;
      let zr = 0;
      let zi = 0;
      let n = 0;
      while (n < maxIter && zr * zr + zi * zi <= 4) {
        const t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        n++;
      }
      out[i++] = n;
    }
  }
  return out;
}

/** Rows [from, to) by fork-join: halves go to `join` until a band has at most `grain` rows. */
export const renderBand = defineTask(import.meta.url, 'renderBand',
  (cx, frame: Frame, from: number, to: number, grain: number): Uint16Array => {
    if (to - from <= grain) return renderRows(frame, from, to);
    const mid = from + Math.floor((to - from) / 2);
    const [top, bottom] = cx.runtime.executor.join(
      renderBand, [frame, from, mid, grain],
      renderBand, [frame, mid, to, grain],
    );
    const out = new Uint16Array(top.length + bottom.length);
    out.set(top);
    out.set(bottom, top.length);
    return out;
  });

/** A fingerprint of a picture, to show that both ways rendered the same pixels. */
export function checksum(pixels: Uint16Array): number {
  let hash = 2166136261;
  for (let i = 0; i < pixels.length; i++) hash = Math.imul(hash ^ pixels[i]!, 16777619);
  return hash >>> 0;
}

/** A small character-art preview: one character per cell of `cols` × `rows`. */
export function preview(frame: Frame, pixels: Uint16Array, cols: number, rows: number): string {
  const shades = ' .:-=+*#%@';
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    const y = Math.floor(((r + 0.5) * frame.height) / rows);
    for (let c = 0; c < cols; c++) {
      const x = Math.floor(((c + 0.5) * frame.width) / cols);
      const n = pixels[y * frame.width + x]!;
      // Escape counts span orders of magnitude: shade by their logarithm, the set itself is '@'.
      const level = Math.floor((Math.log(n + 1) / Math.log(frame.maxIter + 1)) * (shades.length - 1));
      line += n >= frame.maxIter ? '@' : shades[Math.min(shades.length - 2, level)];
    }
    lines.push(line);
  }
  return lines.join('\n');
}
