// What the hosts of one simulation share: the scheduler (clock, ready queue, PRNG), the trace and the network.
import type { Capability } from '@runtime-traits/core';
import { youngArray, type ShutdownReason } from '@runtime-traits/kit';
import { RealTime } from './time/real-time.js';
import { Scheduler } from './scheduler.js';
import { Network, type Latency } from './sim-net/network.js';
import { Trace } from './trace.js';
import { VirtualTime } from './time/virtual-time.js';

/** The last instant a JavaScript Date can hold, in ms after 1970. */
const LAST_DATE_MS = 8.64e15;

export interface WorldOptions {
  seed: number | string;
  clock: 'virtual' | 'real';
  latency: Latency;
  lossRate: number;
  tcpWindow: number;
  /** null: no trace at all; false: hash only; true: hash and the event log. */
  trace: boolean | null;
  /** wallClock() at virtual time 0. */
  epoch: number;
  /** A Simulation: task names carry their host in DeadlockError, and failures of run() name the seed. */
  namesWithHost: boolean;
}

/** One member of a world: a host's runtime, seen from the world (for deadlock reports). */
export interface WorldMember {
  readonly hostName: string;
  stuckTasks(): string[];
}

export class World {
  readonly scheduler: Scheduler;
  readonly network: Network;
  readonly trace: Trace | null;
  readonly members = youngArray<WorldMember>();
  /** Set by Simulation.shutdown(): the errors every host of this world shuts down with. */
  shutdownReason: ShutdownReason | undefined = undefined;
  /** Set once an `always` assertion failed: every run() rejects with it (see Simulation.failAssertion). */
  failure: Error | undefined = undefined;

  constructor(readonly options: WorldOptions) {
    this.trace = options.trace === null ? null : new Trace(options.trace);
    const time = options.clock === 'real' ? new RealTime() : new VirtualTime();
    this.scheduler = new Scheduler(time, options.seed, this.trace);
    // Virtual time stops at the last instant wallClock() can name (a Date holds at most 8.64e15 ms
    // after 1970): a sleep that would end later never ends, as on a real clock, and a run left with
    // only such timers ends with the time-limit TimeoutError — time did not jump to 1e300 or Infinity.
    if (time.virtual) this.scheduler.timeLimit = this.latestTime;
    this.network = new Network(this.scheduler, { latency: options.latency, lossRate: options.lossRate, tcpWindow: options.tcpWindow });
  }

  /** The latest virtual time: the last instant a Date can hold, less the epoch. `maxTime` is capped to it. */
  get latestTime(): number {
    return LAST_DATE_MS - this.options.epoch;
  }

  get virtual(): boolean {
    return this.scheduler.time.virtual;
  }

  /** Every live task of every host, by name (`host/name` in a simulation). */
  stuckTasks(): string[] {
    const names: string[] = [];
    for (const member of this.members) {
      for (const name of member.stuckTasks()) names.push(this.options.namesWithHost ? `${member.hostName}/${name}` : name);
    }
    return names;
  }

  /** In a simulation, appends `[seed=…]` to an Error's message so a failing run can be replayed. */
  tagSeed(error: unknown): unknown {
    if (!this.options.namesWithHost || !(error instanceof Error)) return error;
    const tag = `[seed=${JSON.stringify(this.options.seed)}]`;
    try {
      if (!error.message.includes(tag)) error.message = `${error.message} ${tag}`;
      (error as Error & { seed?: unknown }).seed = this.options.seed;
    } catch { /* a frozen error keeps its message */ }
    return error;
  }

  capabilities(): Set<Capability> {
    // No spawn.blocking: spawnBlocking works, but on this one thread like everything here (see README).
    const caps = new Set<Capability>(['net.tcp', 'net.udp', 'net.unix', 'net.dns', 'net.simulated']);
    if (this.virtual) caps.add('time.virtual');
    return caps;
  }
}
