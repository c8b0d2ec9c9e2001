// A runtime that wraps another (here to count spawns) and still passes the suite: bodies see the wrapper as cx.runtime.
// Run it with: npx runtime-traits-conformance @runtime-traits/conformance/examples/wrapping-adapter.js
import { NodeRuntime } from '@runtime-traits/node';

export class CountingRuntime {
  constructor(inner) {
    this.inner = inner;
    this.spawned = 0;
    const self = this;
    // The one thing a wrapper must do: give every body it runs here a context whose runtime is the wrapper.
    const context = (cx) => ({ signal: cx.signal, runtime: self });
    this.executor = {
      spawnLocal: (fn, opts) => { self.spawned++; return inner.executor.spawnLocal(typeof fn === 'function' ? (cx) => fn(context(cx)) : fn, opts); },
      spawn: (def, args, opts) => { self.spawned++; return inner.executor.spawn(def, args, opts); },
      spawnBlocking: (def, args, opts) => { self.spawned++; return inner.executor.spawnBlocking(def, args, opts); },
      join: (a, aArgs, b, bArgs) => inner.executor.join(a, aArgs, b, bArgs),
      yieldNow: () => inner.executor.yieldNow(),
    };
    this.run = (main) => inner.run(typeof main === 'function' ? (cx) => main(context(cx)) : main);
  }

  get name() { return 'counting'; }
  get reactor() { return this.inner.reactor; }
  get capabilities() { return this.inner.capabilities; }
  shutdown(opts) { return this.inner.shutdown(opts); }
  metrics() { return this.inner.metrics(); }
  [Symbol.asyncDispose]() { return this.shutdown(); }
}

export const name = 'counting';
export default async (options) => new CountingRuntime(await NodeRuntime.create(options));
