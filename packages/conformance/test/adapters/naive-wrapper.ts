// A wrapping adapter that forgets to re-wrap contexts: bodies see the inner runtime as cx.runtime (the suite must say so, in words).
import type { Runtime, RuntimeOptions } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';

export class NaiveWrapper {
  constructor(readonly inner: Runtime) {}
  get name(): string { return 'naive'; }
  get executor(): Runtime['executor'] { return this.inner.executor; }
  get reactor(): Runtime['reactor'] { return this.inner.reactor; }
  get capabilities(): Runtime['capabilities'] { return this.inner.capabilities; }
  run: Runtime['run'] = (main) => this.inner.run(main);
  shutdown: Runtime['shutdown'] = (opts) => this.inner.shutdown(opts);
  metrics: Runtime['metrics'] = () => this.inner.metrics();
  [Symbol.asyncDispose](): Promise<void> { return this.shutdown(); }
}

export const name = 'naive';
export default async function create(options?: RuntimeOptions): Promise<Runtime> {
  return new NaiveWrapper(await NodeRuntime.create(options)) as unknown as Runtime;
}
