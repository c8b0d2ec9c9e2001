// The Mandelbrot job: fork-join renders exactly the pixels of the sequential loop, on any runtime.
import { expect } from 'chai';
import { Container } from 'inversify';
import type { Runtime } from '@runtime-traits/core';
import { runtimeModule } from '@runtime-traits/inversify';
import { LocalRuntime } from '@runtime-traits/local';
import { NodeRuntime } from '@runtime-traits/node';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { checksum, classicFrame, preview, renderRows, Renderer } from '../src/lib/index.js';

describe('renderRows', () => {
  it('should give the cap inside the set and 1 far outside it', () => {
    const frame = { width: 2, height: 1, maxIter: 50, re0: -0.5, re1: 9.5, im0: 0, im1: 1 };
    // Pixel 0 is c = -0.5 (inside the set); pixel 1 is c = 4.5 (escapes after one step).
    expect([...renderRows(frame, 0, 1)]).to.deep.equal([50, 1]);
  });

  it('should render a band as the same rows of the whole frame', () => {
    const frame = classicFrame(64, 40, 100);
    const whole = renderRows(frame, 0, 40);
    expect([...renderRows(frame, 10, 20)]).to.deep.equal([...whole.subarray(10 * 64, 20 * 64)]);
  });
});

describe('preview', () => {
  it('should draw rows × cols characters, with the set as @', () => {
    const frame = classicFrame(90, 60, 200);
    const art = preview(frame, renderRows(frame, 0, 60), 30, 10).split('\n');
    expect(art).to.have.length(10);
    expect(art.every((line) => line.length === 30)).to.equal(true);
    expect(art.join('')).to.contain('@');
  });
});

const runtimes: Array<[string, () => Promise<Runtime>]> = [
  ['node', () => NodeRuntime.create()],
  ['local', () => LocalRuntime.create()],
  ['worksteal (2 workers)', () => WorkStealingRuntime.create({ workers: 2 })],
];

for (const [name, create] of runtimes) {
  describe(`Renderer.parallel on the ${name} runtime`, function () {
    this.timeout(60_000);

    it('should render the same pixels as the sequential loop', async () => {
      const runtime = await create();
      const container = new Container();
      container.load(runtimeModule(runtime));
      container.bind(Renderer).toSelf();
      const renderer = container.get(Renderer);
      const frame = classicFrame(160, 97, 200);
      try {
        const pixels = await runtime.run(() => renderer.parallel(frame, 4));
        expect(pixels.length).to.equal(160 * 97);
        expect(checksum(pixels)).to.equal(checksum(renderer.sequential(frame)));
      } finally {
        await container.unbindAllAsync();
      }
    });
  });
}
