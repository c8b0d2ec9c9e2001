// Capability names: what a runtime can do, so callers and the conformance suite can ask first.

/**
 * Every capability name, in a fixed order. A runtime lists the ones it has in `runtime.capabilities`:
 * `spawn.parallel` (tasks run on other threads), `spawn.blocking` (a pool for blocking work),
 * `spawn.distributed` (tasks run in other processes or machines), `join.parallel` (awaiting a task inside a
 * parallel task does not hold a thread), `time.virtual` (the clock is simulated), `net.tcp`, `net.udp`,
 * `net.unix`, `net.dns`, `net.tls`, `net.reusePort` (several listeners may share a port), `net.simulated`
 * (the network is simulated, with faults).
 */
export const CAPABILITIES = [
  'spawn.parallel',
  'spawn.blocking',
  'spawn.distributed',
  'join.parallel',
  'time.virtual',
  'net.tcp',
  'net.udp',
  'net.unix',
  'net.dns',
  'net.tls',
  'net.reusePort',
  'net.simulated',
] as const;

/** One of the names in {@link CAPABILITIES}. */
export type Capability = (typeof CAPABILITIES)[number];
