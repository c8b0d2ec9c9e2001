// Atomics.waitAsync, typed (it exists on Node 20 but not in this repo's ES2022 lib).
// Remember: a pending waitAsync does not keep the event loop alive (nodejs/node#61941).

type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) =>
  { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

export const waitAsync: WaitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
