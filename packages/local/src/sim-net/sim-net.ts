// A host's Net on the simulated network: argument checks, then connect, listen, bindUdp and lookup.
import type { Connection, ConnectOptions, Listener, ListenAddress, ListenOptions, Net, SocketAddress, UdpSocket } from '@runtime-traits/core';
import { NetError, UnsupportedError } from '@runtime-traits/core';
import {
  abortError, checkAddress, checkCount, checkHost, checkListenAddress, checkOptions, checkPort, checkSignal, checkTlsClientOptions, checkTlsServerOptions, checkUdpAddress, show,
} from '@runtime-traits/core/kit';
import { youngArray } from '@runtime-traits/kit';
import type { HostState } from './host-state.js';
import { ConnectAttempt } from './connect.js';
import { lookupName } from './dns.js';
import { TcpListener } from './listener.js';
import { Network } from './network.js';
import { SimUdpSocket } from './udp.js';

const DEFAULT_BACKLOG = 511;

export class SimNet implements Net {
  constructor(private readonly net: Network, private readonly host: HostState) {}

  connect(to: SocketAddress, opts?: ConnectOptions): Promise<Connection> {
    checkAddress(to, 'to');
    const options = checkOptions<ConnectOptions>(opts);
    const signal = checkSignal(options?.signal, 'opts.signal');
    if (options?.noDelay !== undefined && typeof options.noDelay !== 'boolean') throw new TypeError(`opts.noDelay must be a boolean, got ${show(options.noDelay)}`);
    // Bad options are a TypeError on every runtime; well-formed TLS options are then refused: no net.tls here.
    if (options?.tls !== undefined) {
      checkTlsClientOptions(options.tls, 'opts.tls');
      return Promise.reject(new UnsupportedError('net.tls'));
    }
    const down = this.host.downError();
    if (down) return Promise.reject(down);
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const scheduler = this.net.scheduler;
    if ('path' in to) {
      const target = { host: this.host, ip: '', port: 0, path: to.path, loopback: true };
      return new ConnectAttempt(this.net, scheduler, this.host, target, signal).promise;
    }
    const place = this.net.locate(to.host, this.host);
    if (place.kind === 'unknown') {
      return Promise.reject(new NetError('ENOTFOUND', `getaddrinfo ENOTFOUND ${to.host}`, { syscall: 'getaddrinfo' }));
    }
    const target = place.kind === 'host'
      ? { host: place.host, ip: place.ip, port: to.port, path: undefined, loopback: place.loopback }
      : { host: undefined, ip: to.host, port: to.port, path: undefined, loopback: false };
    return new ConnectAttempt(this.net, scheduler, this.host, target, signal).promise;
  }

  listen(at: ListenAddress, opts?: ListenOptions): Promise<Listener> {
    const where = checkListenAddress(at, 'at');
    const options = checkOptions<ListenOptions>(opts);
    const backlog = options?.backlog === undefined ? DEFAULT_BACKLOG : checkCount(options.backlog, 'opts.backlog', 0);
    if (options?.reusePort !== undefined && typeof options.reusePort !== 'boolean') {
      throw new TypeError(`opts.reusePort must be a boolean, got ${show(options.reusePort)}`);
    }
    if (options?.tls !== undefined) {
      checkTlsServerOptions(options.tls, 'opts.tls');
      return Promise.reject(new UnsupportedError('net.tls'));
    }
    if (options?.reusePort) return Promise.reject(new UnsupportedError('net.reusePort'));
    const down = this.host.downError();
    if (down) return Promise.reject(down);
    const host = this.host;
    const scheduler = this.net.scheduler;
    if ('path' in where) {
      if (host.unixListeners.has(where.path)) return Promise.reject(inUse(where.path));
      const listener: TcpListener = new TcpListener(scheduler, host, { path: where.path }, '', Math.max(backlog, 1),
        () => { if (host.unixListeners.get(where.path) === listener) host.unixListeners.delete(where.path); });
      host.unixListeners.set(where.path, listener);
      scheduler.record(`${host.name} listen ${where.path}`);
      return Promise.resolve(listener);
    }
    let ip: string;
    try {
      ip = this.net.bindIp(host, where.host);
    } catch (error) {
      return Promise.reject(error);
    }
    const port = where.port === 0 ? host.ephemeralPort() : where.port;
    const list = host.tcpListeners.get(port) ?? youngArray();
    if (list.some((l) => Network.clashes(ip, l.boundIp)) || host.clientPorts.has(port)) {
      return Promise.reject(inUse(`${where.host}:${port}`));
    }
    const listener: TcpListener = new TcpListener(scheduler, host, { host: ip === '0.0.0.0' ? where.host : ip, port }, ip, Math.max(backlog, 1), () => {
      const now = host.tcpListeners.get(port);
      if (!now) return;
      const rest = now.filter((l) => l !== listener);
      if (rest.length) host.tcpListeners.set(port, rest);
      else host.tcpListeners.delete(port);
    });
    list.push(listener);
    host.tcpListeners.set(port, list);
    scheduler.record(`${host.name} listen ${ip}:${port}`);
    return Promise.resolve(listener);
  }

  bindUdp(at: { host?: string; port: number }): Promise<UdpSocket> {
    at = checkUdpAddress(at, 'at');
    const down = this.host.downError();
    if (down) return Promise.reject(down);
    const host = this.host;
    let ip: string;
    try {
      ip = this.net.bindIp(host, at.host ?? '127.0.0.1');
    } catch (error) {
      return Promise.reject(error);
    }
    const port = at.port === 0 ? host.ephemeralPort() : at.port;
    const list = host.udpSockets.get(port) ?? youngArray();
    if (list.some((s) => Network.clashes(ip, s.boundIp))) return Promise.reject(inUse(`${at.host ?? '127.0.0.1'}:${port}`, 'bind'));
    const socket: SimUdpSocket = new SimUdpSocket(this.net, host, { host: ip === '0.0.0.0' ? (at.host ?? ip) : ip, port }, ip, () => {
      const now = host.udpSockets.get(port);
      if (!now) return;
      const rest = now.filter((s) => s !== socket);
      if (rest.length) host.udpSockets.set(port, rest);
      else host.udpSockets.delete(port);
    });
    list.push(socket);
    host.udpSockets.set(port, list);
    this.net.scheduler.record(`${host.name} udp bind ${ip}:${port}`);
    return Promise.resolve(socket);
  }

  lookup(hostname: string): Promise<string[]> {
    checkHost(hostname, 'hostname');
    const down = this.host.downError();
    if (down) return Promise.reject(down);
    return lookupName(this.net, this.host, hostname);
  }
}

function inUse(where: string, syscall = 'listen'): NetError {
  return new NetError('EADDRINUSE', `${syscall} EADDRINUSE: address already in use ${where}`, { syscall });
}
