// A runtime's Reactor as a scope hands it to its sockets: every call into the runtime runs outside every scope.
//
// WHY: a runtime built on Node (the node runtime's Net calls net.connect and server.listen, its
// Clock calls setTimeout) must get Node's own functions, not the patched ones — which would route
// straight back to the runtime, forever. Results (connections, listeners) are the runtime's own.
import type { Clock, Net, Reactor } from '@runtime-traits/core';
import { outside } from './context.js';

export function scopeReactor(reactor: Reactor): Reactor {
  const { net, clock } = reactor;
  const scopedNet: Net = {
    connect: (to, opts) => outside(() => net.connect(to, opts)),
    listen: (at, opts) => outside(() => net.listen(at, opts)),
    bindUdp: (at) => outside(() => net.bindUdp(at)),
    lookup: (hostname) => outside(() => net.lookup(hostname)),
  };
  const scopedClock: Clock = {
    now: () => clock.now(),
    wallClock: () => outside(() => clock.wallClock()),
    sleep: (ms, opts) => outside(() => clock.sleep(ms, opts)),
    interval: (ms, opts) => outside(() => clock.interval(ms, opts)),
    timeout: (ms, work) => outside(() => clock.timeout(ms, work)),
  };
  return { net: scopedNet, clock: scopedClock };
}
