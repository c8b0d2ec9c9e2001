// The simulated network: hosts and their addresses, links with latency, loss and partitions.
//
// HOW a packet travels from host A to host B:
//   1. transit(A, B, rto) draws a latency for the link from the seeded PRNG, then, while the PRNG
//      says "lost" (probability = the link's lossRate), adds a retransmission timeout and doubles
//      it — TCP's view of loss: bytes arrive late, never out of order, never lost (tcp.ts keeps a
//      stream's segments in order). UDP asks lost(A, B) instead and really drops the datagram.
//   2. On arrival the receiver asks reachable(A, B): a partitioned link or a crashed destination
//      makes TCP retransmit later (with backoff, until it gives up) and UDP drop.
//   3. Traffic inside one host (loopback) has no latency and no loss.
// WHY here: every random choice of the network goes through this one PRNG in event order, so a
// seed fixes them all.
import { NetError } from '@runtime-traits/core';
import { youngArray } from '@runtime-traits/kit';
import { HostState } from './host-state.js';
import type { Scheduler } from '../scheduler.js';

/** A range of one-way delays, in virtual ms. */
export interface Latency {
  /** Shortest delay. */
  min: number;
  /** Longest delay (at least `min`). */
  max: number;
}

/** Latency and loss of the link between two hosts (`Simulation.setLink`). */
export interface LinkOptions {
  /** One-way delay in virtual ms, drawn uniformly from [min, max] (integers when both are). */
  latency?: Latency;
  /** Probability that one packet is lost, 0..1. */
  lossRate?: number;
}

interface Link { latency: Latency; lossRate: number; partitioned: boolean }

export interface NetworkOptions {
  latency: Latency;
  lossRate: number;
  /** Bytes a TCP connection may have sent and not yet read by the peer before write() waits. */
  tcpWindow: number;
}

const LOOPBACK = '127.0.0.1';
const ANY = '0.0.0.0';
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function isIp(host: string): boolean {
  return IPV4.test(host) || host.includes(':');
}

/** Where a host string leads, seen from `from`. */
export type Located =
  | { kind: 'host'; host: HostState; ip: string; loopback: boolean }
  | { kind: 'nowhere' }   // an address no host has: packets vanish
  | { kind: 'unknown' };  // a name nobody resolves: ENOTFOUND

export class Network {
  readonly hosts = youngArray<HostState>();
  private readonly byName = new Map<string, HostState>();
  private readonly byIp = new Map<string, HostState>();
  private readonly links = new Map<number, Link>();
  private connIds = 0;

  constructor(readonly scheduler: Scheduler, readonly options: NetworkOptions) {}

  /** Adds a host; the first host of a lone runtime is 'localhost' at 127.0.0.1. */
  addHost(name: string, ip: string): HostState {
    const host = new HostState(name, this.hosts.length, ip);
    this.hosts.push(host);
    this.byName.set(name, host);
    this.byIp.set(ip, host);
    return host;
  }

  hostNamed(name: string): HostState | undefined {
    return this.byName.get(name);
  }

  nextConnId(): number {
    return ++this.connIds;
  }

  // ── Links ──────────────────────────────────────────────────────────────────
  private key(a: HostState, b: HostState): number {
    return a.index < b.index ? a.index * 65536 + b.index : b.index * 65536 + a.index;
  }

  link(a: HostState, b: HostState): Link {
    const key = this.key(a, b);
    let link = this.links.get(key);
    if (!link) {
      link = { latency: this.options.latency, lossRate: this.options.lossRate, partitioned: false };
      this.links.set(key, link);
    }
    return link;
  }

  /** Can a packet sent from `a` arrive at `b` now? (The sender need not be up: it was on the wire.) */
  reachable(a: HostState, b: HostState): boolean {
    return b.status === 'up' && this.delivers(a, b);
  }

  /** Whether a TCP segment from `a` gets to `b`'s kernel now: b not crashed (one shut down still answers for its closed sockets), the link not partitioned. */
  delivers(a: HostState, b: HostState): boolean {
    if (b.status === 'crashed') return false;
    if (a === b) return true;
    return !this.link(a, b).partitioned;
  }

  /** One-way delay for a TCP segment, retransmissions for loss included (rto doubles each loss). */
  transit(a: HostState, b: HostState, rto: number): number {
    if (a === b) return 0;
    const link = this.link(a, b);
    const rng = this.scheduler.rng;
    let delay = rng.between(link.latency.min, link.latency.max);
    if (link.lossRate > 0) {
      let lost = 0;
      while (rng.next() < link.lossRate && lost < 16) {
        delay += rto;
        rto *= 2;
        lost++;
      }
      if (lost > 0) this.scheduler.record(`${a.name}->${b.name} lost ${lost}x, retransmitted`);
    }
    return delay;
  }

  /** One-way delay for a datagram, or -1 when it is lost. */
  datagramDelay(a: HostState, b: HostState): number {
    if (a === b) return 0;
    const link = this.link(a, b);
    const rng = this.scheduler.rng;
    const delay = rng.between(link.latency.min, link.latency.max);
    if (link.lossRate > 0 && rng.next() < link.lossRate) return -1;
    return delay;
  }

  // ── Addresses ──────────────────────────────────────────────────────────────
  locate(hostname: string, from: HostState): Located {
    const h = hostname.toLowerCase();
    if (h === LOOPBACK || h === 'localhost' || h === '::1' || h === ANY || h === '::') {
      return { kind: 'host', host: from, ip: LOOPBACK, loopback: true };
    }
    if (h === from.name.toLowerCase() || h === from.ip) return { kind: 'host', host: from, ip: from.ip, loopback: from.ip === LOOPBACK };
    const host = this.byName.get(hostname) ?? this.byName.get(h) ?? this.byIp.get(h);
    if (host) return { kind: 'host', host, ip: host.ip, loopback: false };
    return isIp(h) ? { kind: 'nowhere' } : { kind: 'unknown' };
  }

  /** The address a socket on `host` binds for `requested`, or throws EADDRNOTAVAIL. */
  bindIp(host: HostState, requested: string): string {
    const h = requested.toLowerCase();
    if (h === LOOPBACK || h === 'localhost' || h === '::1') return LOOPBACK;
    if (h === ANY || h === '::') return ANY;
    if (h === host.ip || h === host.name.toLowerCase()) return host.ip;
    throw new NetError('EADDRNOTAVAIL', `listen EADDRNOTAVAIL: ${requested} is not an address of host ${host.name}`, { syscall: 'listen' });
  }

  /** True when a socket bound at `ip` would receive traffic sent to `dstIp`. */
  static accepts(boundIp: string, dstIp: string): boolean {
    return boundIp === dstIp || boundIp === ANY;
  }

  /** True when binding `ip` clashes with a socket already bound at `other` (same port). */
  static clashes(ip: string, other: string): boolean {
    return ip === other || ip === ANY || other === ANY;
  }
}
