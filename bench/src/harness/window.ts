// Drives `total` submissions with at most `inflight` outstanding: the "N tasks in flight" loop.
import { performance } from 'node:perf_hooks';

/**
 * Submits task i for i = 0..total-1, keeping `inflight` of them outstanding (a new one starts as
 * each finishes); `check(i, value)` verifies every result, so a contender that skips work fails.
 * Resolves to the elapsed milliseconds.
 */
export async function runWindow(
  total: number,
  inflight: number,
  submit: (i: number) => PromiseLike<unknown>,
  check: (i: number, value: unknown) => boolean,
): Promise<number> {
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const launch = (): void => {
      const i = next++;
      submit(i).then((value) => {
        if (!check(i, value)) {
          reject(new Error(`task ${i} returned ${String(value)}`));
          return;
        }
        done++;
        if (next < total) launch();
        else if (done === total) resolve();
      }, reject);
    };
    const start = Math.min(inflight, total);
    for (let k = 0; k < start; k++) launch();
  });
  return performance.now() - t0;
}
