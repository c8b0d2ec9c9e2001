// One direction of a simulated TCP connection: an ordered queue of segments on the wire.
//
// HOW: send() stamps each segment with an arrival time (now + transit, never earlier than the
// previous segment's: a stream is never reordered) and appends it. The flow itself is the heap
// entry, armed for its head segment only, so a burst of writes costs one heap entry. When woken:
//   1. the link is down (partition, crashed receiver): retransmit later — re-arm after the RTO,
//      doubling up to 60 s; after GIVE_UP_MS without progress the sender's end fails ETIMEDOUT;
//   2. else deliver every segment due by now, in order, to the receiving end.
// WHY segments and not bytes: the receiver's read() hands out what one write() sent, as a socket
// read would with small writes; backpressure is counted in bytes by the ends (tcp.ts).
import { Fifo } from '@runtime-traits/kit';
import type { Scheduler, TimerItem } from '../scheduler.js';
import type { HostState } from './host-state.js';
import type { Network } from './network.js';

export const enum SegmentKind { Data, Fin, Rst }

export interface Segment {
  kind: SegmentKind;
  data: Uint8Array | null;
  arrival: number;
  /** Virtual time it was sent (the trace's "received ... sent <t>", drawn as an arrow by trace viewers). */
  sent: number;
}

/** What a flow delivers to. */
export interface FlowReceiver {
  readonly host: HostState;
  readonly id: number;
  receive(segment: Segment): void;
  /** The flow gave up: the link stayed down too long. */
  timedOut(): void;
  /** This end was closed (or reset) by its own side: the host no longer tells its peer anything through it. */
  readonly finished: boolean;
}

const RTO_MIN = 200;
const RTO_MAX = 60_000;
/** About Linux's tcp_retries2 default: 15 retransmissions ≈ 15 minutes. */
const GIVE_UP_MS = 900_000;

export class Flow implements TimerItem {
  at = 0;
  seq = 0;
  slot = -1;
  readonly owner: number;
  // Invariant: `segments` are on the wire in send order, arrival times non-decreasing;
  // `armed` is true from addTimer until wake() runs, so the flow sits in the heap at most once.
  private readonly segments = new Fifo<Segment>();
  private armed = false;
  private lastArrival = 0;
  private rto = RTO_MIN;
  private stalledSince = -1;

  constructor(
    private readonly net: Network,
    private readonly scheduler: Scheduler,
    private readonly from: HostState,
    private readonly sender: FlowReceiver,
    private readonly to: FlowReceiver,
  ) {
    this.owner = from.index;
  }

  get idle(): boolean {
    return this.segments.length === 0;
  }

  send(kind: SegmentKind, data: Uint8Array | null): void {
    const now = this.scheduler.now();
    let arrival = now + this.net.transit(this.from, this.to.host, RTO_MIN);
    if (arrival < this.lastArrival) arrival = this.lastArrival;
    this.lastArrival = arrival;
    this.segments.push({ kind, data, arrival, sent: now });
    if (!this.armed) this.arm(this.segments.peek()!.arrival);
  }

  /** Forgets what is still on the wire (the sending end is gone). */
  drop(): void {
    this.segments.clear();
    if (this.armed && this.slot >= 0) {
      this.scheduler.removeTimer(this);
      this.armed = false;
    }
  }

  wake(): void {
    this.armed = false;
    const scheduler = this.scheduler;
    const now = scheduler.now();
    if (this.segments.length === 0) return;
    // (A host shut down for good still gets its segments: its ends were closed at shutdown, so data
    // is answered with RST, as the kernel of an exited process answers it.)
    if (!this.net.delivers(this.from, this.to.host)) {
      if (this.stalledSince < 0) this.stalledSince = now;
      if (now - this.stalledSince >= GIVE_UP_MS) {
        scheduler.record(`${this.from.name} #${this.to.id} gave up retransmitting`);
        this.drop();
        this.sender.timedOut();
        return;
      }
      this.rto = Math.min(this.rto * 2, RTO_MAX);
      scheduler.record(`${this.from.name}->${this.to.host.name} #${this.to.id} unreachable, retransmit in ${this.rto}`);
      this.arm(now + this.rto);
      return;
    }
    this.stalledSince = -1;
    this.rto = RTO_MIN;
    const segments = this.segments;
    for (let next = segments.peek(); next !== undefined && next.arrival <= now; next = segments.peek()) {
      segments.shift();
      this.to.receive(next);
    }
    const first = segments.peek();
    if (first !== undefined) this.arm(first.arrival);
  }

  /**
   * The sender's host crashed: what is on the wire is lost. An end still open is reset at its peer by
   * TcpEndpoint.die(); one already closed, whose FIN (or last data) was still travelling, is reset here,
   * else its peer would wait for a FIN that never comes.
   */
  abandon(): void {
    this.armed = false;
    const lost = this.segments.length > 0;
    this.segments.clear();
    if (lost && this.sender.finished) this.send(SegmentKind.Rst, null);
  }

  label(): string {
    return ''; // the receiving end records what arrived
  }

  private arm(at: number): void {
    this.at = Math.max(at, this.scheduler.now());
    this.armed = true;
    this.scheduler.addTimer(this);
  }
}
