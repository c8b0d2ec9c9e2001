// Another runtime's Reactor (Node's, say) driven from the local executor: real IO, real time, our shutdown rules.
//
// The wrapper only adds what shutdown needs: it remembers the sockets opened through it (closed on
// shutdown), makes pending sleeps reject RuntimeShutdownError, and rejects every call afterwards.
// The reactor itself stays the caller's: shutdown does not close it.
import type { Clock, Connection, ConnectOptions, Listener, ListenAddress, ListenOptions, Net, Reactor, SocketAddress, UdpSocket } from '@runtime-traits/core';
import { RuntimeShutdownError } from '@runtime-traits/core';
import { checkMs, checkOptions, checkSignal, intervalOver, timeoutOver } from '@runtime-traits/core/kit';

type Closable = { close(): Promise<void> };

export class ForeignReactor implements Reactor {
  readonly clock: Clock;
  readonly net: Net;
  private readonly open = new Set<Closable>();
  private readonly stop = new AbortController();

  constructor(inner: Reactor) {
    const stop = this.stop;
    const track = <T extends Closable>(promise: Promise<T>): Promise<T> => {
      if (stop.signal.aborted) {
        promise.then((x) => x.close(), () => undefined);
        return Promise.reject(new RuntimeShutdownError());
      }
      return promise.then((resource) => {
        this.open.add(resource);
        return resource;
      });
    };
    const guard = <T>(call: () => Promise<T>): Promise<T> =>
      stop.signal.aborted ? Promise.reject(new RuntimeShutdownError()) : call();
    const sleep = (ms: number, opts?: { signal?: AbortSignal }): Promise<void> => {
      checkMs(ms);
      const signal = checkSignal(checkOptions<{ signal?: AbortSignal }>(opts)?.signal, 'opts.signal');
      if (stop.signal.aborted) return Promise.reject(new RuntimeShutdownError());
      if (!signal) {
        return inner.clock.sleep(ms, { signal: stop.signal }).catch((error: unknown) => {
          throw stop.signal.aborted ? new RuntimeShutdownError() : error;
        });
      }
      // One controller fed by both signals, listeners removed when done (AbortSignal.any leaks on Node 20).
      const both = new AbortController();
      const fromCaller = (): void => both.abort(signal.reason);
      const fromStop = (): void => both.abort(stop.signal.reason);
      if (signal.aborted) both.abort(signal.reason);
      signal.addEventListener('abort', fromCaller, { once: true });
      stop.signal.addEventListener('abort', fromStop, { once: true });
      return inner.clock.sleep(ms, { signal: both.signal }).catch((error: unknown) => {
        throw stop.signal.aborted && !signal.aborted ? new RuntimeShutdownError() : error;
      }).finally(() => {
        signal.removeEventListener('abort', fromCaller);
        stop.signal.removeEventListener('abort', fromStop);
      });
    };
    this.clock = {
      now: () => inner.clock.now(),
      wallClock: () => inner.clock.wallClock(),
      sleep,
      interval: (ms, opts) => intervalOver(() => inner.clock.now(), sleep, ms, opts),
      timeout: <T>(ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)) => timeoutOver(sleep, ms, work),
    };
    this.net = {
      connect: (to: SocketAddress, opts?: ConnectOptions): Promise<Connection> => guard(() => track(inner.net.connect(to, opts))),
      listen: (at: ListenAddress, opts?: ListenOptions): Promise<Listener> => guard(() => track(inner.net.listen(at, opts))),
      bindUdp: (at: { host?: string; port: number }): Promise<UdpSocket> => guard(() => track(inner.net.bindUdp(at))),
      lookup: (hostname: string): Promise<string[]> => guard(() => inner.net.lookup(hostname)),
    };
  }

  /** Closes what was opened through this reactor and refuses further calls. */
  async shutdown(): Promise<void> {
    this.stop.abort(new RuntimeShutdownError());
    const open = [...this.open];
    this.open.clear();
    await Promise.all(open.map((resource) => resource.close().catch(() => undefined)));
  }
}
