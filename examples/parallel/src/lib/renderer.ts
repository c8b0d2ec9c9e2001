// Renderer: the injectable face of the Mandelbrot job — sequential on this thread, or fork-join on the executor.
import { EXECUTOR } from '@runtime-traits/core';
import type { Executor } from '@runtime-traits/core';
import { inject, injectable } from 'inversify';
import { renderBand, renderRows } from './mandelbrot.js';
import type { Frame } from './mandelbrot.js';

@injectable()
export class Renderer {
  constructor(@inject(EXECUTOR) private readonly executor: Executor) {}

  /** The whole frame on the calling thread, no runtime involved: the baseline. */
  sequential(frame: Frame): Uint16Array {
    return renderRows(frame, 0, frame.height);
  }

  /** The whole frame by fork-join, started as one portable task; bands of `grain` rows are the leaves. */
  async parallel(frame: Frame, grain = 8): Promise<Uint16Array> {
    return this.executor.spawn(renderBand, [frame, 0, frame.height, grain]);
  }
}
