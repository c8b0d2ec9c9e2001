// The simulated TCP handshake: SYN out, SYN-ACK (or RST: refused) back, retried with backoff while lost.
//
// HOW (one heap entry that changes phase):
//   syn     due when the SYN reaches the server host. Unreachable (partition, crashed host, an
//           address nobody has) or a full backlog: send it again after the RTO (1 s, doubling),
//           and when the SYN_RETRIES-th retry is unanswered too, give up with ETIMEDOUT: at 63 s (Linux
//           sends the same retries but waits another 64 s for the last one: 127 s). No listener:
//           answer RST → phase `refused`. A listener: both ends are made, the server end joins
//           the accept queue → phase `synack`.
//   synack  due when the SYN-ACK is back: connect() resolves with the client end.
//   refused due when the RST is back: connect() rejects ECONNREFUSED (ENOENT for a Unix path).
// An abort rejects with CancelledError at once; a server end already made is reset.
import type { Connection, SocketAddress } from '@runtime-traits/core';
import { NetError } from '@runtime-traits/core';
import { abortError } from '@runtime-traits/core/kit';
import type { HostState } from './host-state.js';
import type { Scheduler, TimerItem } from '../scheduler.js';
import { show, type TcpListener } from './listener.js';
import { Network } from './network.js';
import { TcpEndpoint } from './tcp.js';

const SYN_RTO = 1000;
const SYN_RETRIES = 6;

export interface ConnectTarget {
  /** undefined: an address no host has. */
  host: HostState | undefined;
  /** The destination IP as the client sees it (127.0.0.1 on loopback), or '' for a path. */
  ip: string;
  port: number;
  path: string | undefined;
  loopback: boolean;
}

export class ConnectAttempt implements TimerItem {
  at = 0;
  seq = 0;
  slot = -1;
  readonly owner: number;
  private phase: 'syn' | 'synack' | 'refused' = 'syn';
  private tries = 0;
  private rto = SYN_RTO;
  private done = false;
  private clientEnd: TcpEndpoint | undefined;
  private readonly clientPort: number;
  private onAbort: (() => void) | undefined;
  resolve!: (conn: Connection) => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<Connection>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(
    private readonly net: Network,
    private readonly scheduler: Scheduler,
    private readonly client: HostState,
    private readonly target: ConnectTarget,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.owner = client.index;
    this.clientPort = target.path === undefined ? client.ephemeralPort() : 0;
    if (target.path === undefined) client.clientPorts.add(this.clientPort);
    scheduler.record(`${client.name} connect ${this.describe()}`);
    if (signal) {
      this.onAbort = () => this.cancel();
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.sendSyn(target.host ? net.transit(client, target.host, SYN_RTO) : 0);
  }

  wake(): void {
    if (this.done) return;
    if (this.phase === 'syn') this.synArrives();
    else if (this.phase === 'synack') this.finish(this.clientEnd!, undefined);
    else {
      const error = this.target.path === undefined
        ? new NetError('ECONNREFUSED', `connect ECONNREFUSED ${this.describe()}`, { syscall: 'connect' })
        : new NetError('ENOENT', `connect ENOENT ${this.target.path}`, { syscall: 'connect' });
      this.finish(undefined, error);
    }
  }

  abandon(error: unknown): void {
    this.finish(undefined, error);
  }

  label(): string {
    return `${this.client.name} connect ${this.describe()} ${this.phase}`;
  }

  private synArrives(): void {
    const { host: server } = this.target;
    const listener = server && this.net.reachable(this.client, server) ? this.findListener(server) : 'unreachable';
    if (listener === 'unreachable' || (listener && listener.full)) {
      if (++this.tries > SYN_RETRIES) {
        this.finish(undefined, new NetError('ETIMEDOUT', `connect ETIMEDOUT ${this.describe()}`, { syscall: 'connect' }));
        return;
      }
      this.scheduler.record(`${this.client.name} connect ${this.describe()} SYN unanswered, retry in ${this.rto}`);
      this.sendSyn(this.rto);
      this.rto *= 2;
      return;
    }
    const back = this.net.transit(server!, this.client, SYN_RTO);
    if (!listener) {
      this.phase = 'refused';
      this.sendSyn(back);
      return;
    }
    const { ip, port, path } = this.target;
    const clientIp = this.target.loopback ? '127.0.0.1' : this.client.ip;
    const serverAddr: SocketAddress = path === undefined ? { host: ip, port } : { path };
    const clientAddr: SocketAddress = path === undefined ? { host: clientIp, port: this.clientPort } : { path };
    const window = this.net.options.tcpWindow;
    const clientEnd = new TcpEndpoint(this.net, this.scheduler, this.client, this.client.incarnation, clientAddr, serverAddr, window);
    const serverEnd = new TcpEndpoint(this.net, this.scheduler, server!, server!.incarnation, serverAddr, clientAddr, window);
    TcpEndpoint.pair(clientEnd, serverEnd);
    if (path === undefined) {
      const client = this.client;
      const clientPort = this.clientPort;
      clientEnd.onRelease = () => client.clientPorts.delete(clientPort);
    }
    this.clientEnd = clientEnd;
    this.scheduler.record(`${server!.name} accepted #${serverEnd.id} from ${show(clientAddr)}`);
    listener.enqueue(serverEnd);
    this.phase = 'synack';
    this.sendSyn(back);
  }

  private findListener(server: HostState): TcpListener | undefined {
    const { path, port, ip } = this.target;
    if (path !== undefined) return server.unixListeners.get(path);
    const list = server.tcpListeners.get(port);
    if (!list) return undefined;
    for (const listener of list) if (Network.accepts(listener.boundIp, ip)) return listener;
    return undefined;
  }

  private sendSyn(delay: number): void {
    this.at = this.scheduler.now() + delay;
    this.scheduler.addTimer(this);
  }

  private cancel(): void {
    if (this.done) return;
    this.scheduler.removeTimer(this);
    this.clientEnd?.abort();
    this.finish(undefined, abortError(this.signal!.reason));
  }

  private finish(conn: TcpEndpoint | undefined, error: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    if (conn && this.client.status === 'up' && conn.incarnation === this.client.incarnation) {
      this.scheduler.record(`${this.client.name} connected #${conn.id} to ${this.describe()}`);
      this.resolve(conn);
      return;
    }
    if (this.target.path === undefined && !conn) this.client.clientPorts.delete(this.clientPort);
    this.scheduler.record(`${this.client.name} connect ${this.describe()} failed: ${(error as { code?: string })?.code ?? error}`);
    this.reject(error ?? this.client.downError());
  }

  private describe(): string {
    return this.target.path ?? `${this.target.ip || '?'}:${this.target.port}`;
  }
}
